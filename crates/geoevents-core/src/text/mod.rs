//! Text handling shared by every later stage: name folding, the word
//! tokenizer, sentence splitting and offset conversion.

pub mod fold;
pub mod offsets;
pub mod sentences;
pub mod tokens;
