//! A fast hasher for the small, trusted keys of the hot path (folded words,
//! country codes). Not for keys an attacker controls at scale.

use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default, Clone, Copy)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FnvBuild = BuildHasherDefault<Fnv>;
pub type FnvHashMap<K, V> = std::collections::HashMap<K, V, FnvBuild>;
pub type FnvHashSet<K> = std::collections::HashSet<K, FnvBuild>;
