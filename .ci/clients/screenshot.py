#!/usr/bin/env python3
"""Screenshot of a page in headless Chromium for the README (docs/screenshots), with motion
reduced so rows are not caught mid-animation.

Usage: screenshot.py URL CSS_SELECTOR OUT.png [--size W,H] [--settle SECONDS] [--timeout SECONDS]
Waits until CSS_SELECTOR matches, then `--settle` seconds more, then saves the viewport.
Runs under the Selenium venv that shared/tools/browser_check.py creates (BROWSER_CHECK_VENV,
default /tmp/browsercheck-venv) with Debian's chromium and chromium-driver; exits 1 on timeout.
"""
import argparse
import os
import sys
import time

VENV = os.environ.get("BROWSER_CHECK_VENV", "/tmp/browsercheck-venv")
try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    py = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV) or not os.path.exists(py):
        sys.exit("screenshot.py: selenium missing; run shared/tools/browser_check.py once to create %s" % VENV)
    os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("selector")
    ap.add_argument("out")
    ap.add_argument("--size", default="1200,657")
    ap.add_argument("--settle", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=30.0)
    a = ap.parse_args()
    opts = webdriver.ChromeOptions()
    opts.binary_location = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
    for f in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--force-prefers-reduced-motion", "--hide-scrollbars", "--window-size=" + a.size]:
        opts.add_argument(f)
    os.environ.setdefault("SE_OFFLINE", "true")
    d = webdriver.Chrome(options=opts, service=Service(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")))
    try:
        # The viewport exactly W×H (headless --window-size counts browser UI rows too).
        w, h = (int(x) for x in a.size.split(","))
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 600})
        d.get(a.url)
        deadline = time.time() + a.timeout
        while not d.find_elements(By.CSS_SELECTOR, a.selector):
            if time.time() > deadline:
                print("screenshot.py: %r never matched on %s" % (a.selector, a.url), file=sys.stderr)
                return 1
            time.sleep(0.2)
        time.sleep(a.settle)
        d.save_screenshot(a.out)
    finally:
        d.quit()
    print("screenshot.py: %s (%d bytes)" % (a.out, os.path.getsize(a.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
