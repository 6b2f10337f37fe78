//! The learned parts of the event stage, trained by `benches/train_events.py`
//! on the development corpora (`../shared/eval/event_location_dev.jsonl` and
//! `acled_2020_dev.csv`) and shipped as small text files compiled into the
//! binary: no download, no runtime beyond this module.
//!
//! * [`location.model`](Models::location): boosted trees ([`trees`]) giving
//!   the probability that a place mention is where its clause's action
//!   happened, from [`features::location_features`];
//! * [`sub_event.model`](Models::sub_event): a multinomial logistic
//!   regression ([`linear`]) choosing ACLED's sub-event type of a clause the
//!   rules typed as one of ACLED's six event types, from
//!   [`features::sub_event_features`].
//!
//! Each file's header records its version, the training data and its
//! held-out (cross-validated) scores. `geoevents eval --event-models DIR`
//! reads the two files from DIR instead: that is how the training script
//! scores each fold's models with the real pipeline.

pub mod features;
pub mod linear;
pub mod trees;

use std::path::Path;
use std::sync::OnceLock;

/// A model file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A line of a model file is not in the model's text format.
    #[error("event model {model}, line {line}: {message}")]
    Parse {
        /// The model's file name ([`LOCATION_FILE`] or [`SUB_EVENT_FILE`]).
        model: String,
        /// The line number, 1-based.
        line: usize,
        /// What is wrong with the line.
        message: String,
    },
    /// A model file in `--event-models DIR` could not be read.
    #[error("event model {}: {source}", path.display())]
    Io {
        /// The file's path inside DIR.
        path: std::path::PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// A model was trained on a different feature set than this build computes.
    #[error("event model {model}: reads {found} features, this build computes {expected}")]
    Features {
        /// The model's file name.
        model: String,
        /// The number of features the file's model reads.
        found: usize,
        /// The number of features this build's feature functions produce.
        expected: usize,
    },
    /// [`use_models`] was called after the models were first used, or a second time.
    #[error("the event models are already in use: set them before the first extraction")]
    AlreadySet,
}

/// The event stage's models.
#[derive(Debug, Clone, PartialEq)]
pub struct Models {
    /// Boosted trees: the probability (0 to 1) that a place mention is where its clause's action happened.
    pub location: trees::Trees,
    /// Logistic regression: ACLED's sub-event type of a clause the rules typed as an ACLED event type.
    pub sub_event: linear::Linear,
}

/// The location model's file name, inside this folder and in `--event-models DIR`.
pub const LOCATION_FILE: &str = "location.model";
/// The sub-event model's file name, inside this folder and in `--event-models DIR`.
pub const SUB_EVENT_FILE: &str = "sub_event.model";

const LOCATION_TEXT: &str = include_str!("location.model");
const SUB_EVENT_TEXT: &str = include_str!("sub_event.model");

impl Models {
    /// Parses the two model texts.
    pub fn parse(location: &str, sub_event: &str) -> Result<Models, ModelError> {
        let location = trees::Trees::parse(LOCATION_FILE, location)?;
        if location.features() != features::LOCATION_FEATURE_COUNT {
            return Err(ModelError::Features {
                model: LOCATION_FILE.into(),
                found: location.features(),
                expected: features::LOCATION_FEATURE_COUNT,
            });
        }
        Ok(Models { location, sub_event: linear::Linear::parse(SUB_EVENT_FILE, sub_event)? })
    }

    /// The models compiled into the binary.
    pub fn embedded() -> Result<Models, ModelError> {
        Models::parse(LOCATION_TEXT, SUB_EVENT_TEXT)
    }

    /// Reads `DIR/location.model` and `DIR/sub_event.model`.
    pub fn from_dir(dir: &Path) -> Result<Models, ModelError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|source| ModelError::Io { path, source })
        };
        Models::parse(&read(LOCATION_FILE)?, &read(SUB_EVENT_FILE)?)
    }
}

static MODELS: OnceLock<Models> = OnceLock::new();

/// The models in use: those given to [`use_models`], else the embedded ones.
pub fn models() -> &'static Models {
    MODELS.get_or_init(|| {
        #[expect(clippy::expect_used, reason = "the embedded models are constants: a unit test parses them")]
        Models::embedded().expect("the embedded event models parse")
    })
}

/// Replaces the embedded models for the rest of the process (training and
/// evaluation only); refused once extraction has started.
pub fn use_models(m: Models) -> Result<(), ModelError> {
    MODELS.set(m).map_err(|_| ModelError::AlreadySet)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_models_parse() {
        let m = Models::embedded().unwrap();
        assert_eq!(m.location.features(), features::LOCATION_FEATURE_COUNT);
    }
}
