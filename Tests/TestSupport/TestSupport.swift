// Shared test helpers: seeded random numbers, manual clocks, reference models.
