//! The catalog on the phone: the list, the index kept for offline search, service guides kept
//! for offline reading (shown through core's `GuideView`) and read aloud through the platform.

use std::sync::Arc;

use tongban_core::catalog::Matter;
use tongban_core::view::{guide_view, GuideView, Words};
use tongban_core::{ApiError, MatterSummary};

use crate::TongbanClient;

/// The platform's text-to-speech (Android `TextToSpeech`, iOS `AVSpeechSynthesizer`), for
/// read-aloud in care mode: the shell speaks, core decides what is said.
#[uniffi::export(with_foreign)]
pub trait Speaker: Send + Sync {
    /// Speak one paragraph, queued after the previous one, in `language` (BCP 47).
    fn speak(&self, text: String, language: String);
}

/// One search result for a native list.
#[derive(uniffi::Record)]
pub struct MatterHit {
    pub matter: MatterSummary,
    /// Matched character ranges in the Chinese name, as pairs `[start, end)`, for highlighting.
    pub highlight_zh: Vec<u32>,
}

/// A search's answer for a native screen: the results, and how the query was read.
#[derive(uniffi::Record)]
pub struct SearchOutcome {
    pub hits: Vec<MatterHit>,
    /// Regions of the places the query names (they filtered the results).
    pub places: Vec<String>,
    /// Words of the query no result explains, to say honestly what was not understood.
    pub unmatched: Vec<String>,
    /// Whether the query had anything to look for beyond fillers, places and punctuation.
    pub meaningful: bool,
}

/// A matter code as a file name (codes are ASCII letters, digits and `-`; anything else is `_`).
fn file_safe(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[uniffi::export]
impl TongbanClient {
    /// The catalog's matters, most used first.
    pub async fn list_matters(&self) -> Result<Vec<MatterSummary>, ApiError> {
        self.api.list_matters().await
    }

    /// Downloads the catalog index and keeps it in the storage folder for offline search.
    /// Returns the number of matters.
    pub async fn refresh_catalog(&self) -> Result<u32, ApiError> {
        let index = self.api.catalog_index().await?;
        let json = serde_json::to_vec(&index).map_err(|e| ApiError::Storage {
            detail: e.to_string(),
        })?;
        let dir = &self.storage()?.dir;
        std::fs::create_dir_all(dir)
            .and_then(|_| std::fs::write(dir.join("catalog-index.partial"), &json))
            .and_then(|_| {
                std::fs::rename(
                    dir.join("catalog-index.partial"),
                    dir.join("catalog-index.json"),
                )
            })
            .map_err(|e| ApiError::Storage {
                detail: e.to_string(),
            })?;
        let count = index.documents.len() as u32;
        *self.search.lock().map_err(|e| ApiError::Storage {
            detail: e.to_string(),
        })? = Some(Arc::new(index.search_index()));
        Ok(count)
    }

    /// Searches the cached catalog (Chinese, pinyin, initials, English): works offline once
    /// `refresh_catalog` ran on this device. `NotFound` when no catalog is cached yet.
    pub fn search(&self, query: String, limit: u32) -> Result<Vec<MatterHit>, ApiError> {
        Ok(self.search_read(query, limit)?.hits)
    }

    /// `search`, with how the query was read: its places, the words no result explains.
    pub fn search_read(&self, query: String, limit: u32) -> Result<SearchOutcome, ApiError> {
        let mut slot = self.search.lock().map_err(|e| ApiError::Storage {
            detail: e.to_string(),
        })?;
        if slot.is_none() {
            *slot = Some(Arc::new(self.cached_index()?.search_index()));
        }
        let search = slot.as_ref().expect("loaded above").clone();
        drop(slot);
        let read = search.search_explained(&query, &Default::default(), limit as usize);
        let hits = read
            .hits
            .into_iter()
            .filter_map(|hit| {
                Some(MatterHit {
                    matter: search.document(&hit.code)?.summary.clone(),
                    highlight_zh: hit
                        .highlight_zh
                        .iter()
                        .flat_map(|(a, b)| [*a as u32, *b as u32])
                        .collect(),
                })
            })
            .collect();
        Ok(SearchOutcome {
            hits,
            places: read.places,
            unmatched: read.unmatched,
            meaningful: read.meaningful,
        })
    }

    /// A matter's service guide in `language`: from the server, kept on the device, and shown from
    /// there when the server cannot be reached.
    pub async fn guide(&self, code: String, language: String) -> Result<GuideView, ApiError> {
        let (matter, from_cache) = self.matter(&code).await?;
        let loader = tongban_core::i18n::loader_for_tag(&language);
        Ok(guide_view(
            &matter,
            &Words::new(&loader, &language),
            from_cache,
        ))
    }

    /// Reads a guide aloud through the platform's speech (care mode): the same parts, in the same
    /// order, as everywhere. Returns how many paragraphs were handed to the speaker.
    pub async fn read_guide_aloud(
        &self,
        code: String,
        language: String,
        speaker: Arc<dyn Speaker>,
    ) -> Result<u32, ApiError> {
        let (matter, _) = self.matter(&code).await?;
        let loader = tongban_core::i18n::loader_for_tag(&language);
        let paragraphs = tongban_core::speech::guide_speech(&matter, &loader, &language);
        for paragraph in &paragraphs {
            speaker.speak(paragraph.clone(), language.clone());
        }
        Ok(paragraphs.len() as u32)
    }
}

impl TongbanClient {
    /// A matter's full guide: fetched and kept on the device; the kept copy when offline.
    pub(crate) async fn matter(&self, code: &str) -> Result<(Matter, bool), ApiError> {
        let cached = self.storage.as_ref().map(|s| {
            s.dir
                .join("guides")
                .join(format!("{}.json", file_safe(code)))
        });
        match self.api.matter_guide(code).await {
            Ok(matter) => {
                if let (Some(path), Ok(json)) = (&cached, serde_json::to_vec(&matter)) {
                    // A copy for offline use; failing to keep it loses nothing now.
                    let partial = path.with_extension("partial");
                    let _ = path
                        .parent()
                        .map(std::fs::create_dir_all)
                        .transpose()
                        .and_then(|_| std::fs::write(&partial, json))
                        .and_then(|_| std::fs::rename(&partial, path));
                }
                Ok((matter, false))
            }
            Err(error) if error.is_retryable() => {
                let bytes = cached.and_then(|p| std::fs::read(p).ok()).ok_or(error)?;
                let matter = serde_json::from_slice(&bytes).map_err(|e| ApiError::Storage {
                    detail: e.to_string(),
                })?;
                Ok((matter, true))
            }
            Err(error) => Err(error),
        }
    }

    /// The catalog index kept on the device by `refresh_catalog`.
    pub(crate) fn cached_index(&self) -> Result<tongban_core::catalog::CatalogIndex, ApiError> {
        let path = self.storage()?.dir.join("catalog-index.json");
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ApiError::NotFound),
            Err(e) => {
                return Err(ApiError::Storage {
                    detail: e.to_string(),
                })
            }
        };
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Storage {
            detail: e.to_string(),
        })
    }
}
