//! Text handling shared by every stage: name folding, and a fast hasher for words.

pub mod fnv;
pub mod fold;
