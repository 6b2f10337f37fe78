//! Events of a whole article, with toponyms built by hand (no resolver).
