// OpenSSL through a system module. Function-like macros get one-line static inline wrappers,
// because Swift imports functions, not macros.
#ifndef OVERTAKE_COPENSSL_SHIM_H
#define OVERTAKE_COPENSSL_SHIM_H

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/rand.h>

static inline long copenssl_ctx_set_options(SSL_CTX *ctx, unsigned long long opts) { return (long)SSL_CTX_set_options(ctx, opts); }
static inline unsigned long long copenssl_op_ignore_unexpected_eof(void) { return SSL_OP_IGNORE_UNEXPECTED_EOF; }
static inline unsigned long long copenssl_op_no_compression(void) { return SSL_OP_NO_COMPRESSION; }
static inline long copenssl_ctx_set_min_tls12(SSL_CTX *ctx) { return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); }
static inline long copenssl_set_mode_partial_write(SSL *ssl) { return SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER); }

// GatewayNet TLS sessions: memory-BIO plumbing and per-context modes.
static inline unsigned long long copenssl_op_no_renegotiation(void) { return SSL_OP_NO_RENEGOTIATION; }
static inline long copenssl_ctx_set_mode_release_buffers(SSL_CTX *ctx) { return SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS); }
static inline long copenssl_set_tlsext_host_name(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
static inline long copenssl_bio_set_mem_eof_return(BIO *bio, int value) { return BIO_set_mem_eof_return(bio, value); }

#endif
