//! Text handling shared by every stage: name folding.

pub mod fold;
