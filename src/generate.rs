//! Seeded synthetic brand communities (see `kolgraph generate`).
