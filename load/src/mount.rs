//! A small tmpfs mounted for a run (needs root), unmounted when dropped: a disk that can be
//! filled on purpose.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Mounted(PathBuf);

impl Mounted {
    /// Mounts a tmpfs of `size` (as `mount` says it: `8m`, `256m`) on the folder `at`.
    pub fn tmpfs(at: &Path, size: &str) -> Self {
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .expect("mount runs");
        assert!(
            mounted.success(),
            "cannot mount a tmpfs (this check needs root)"
        );
        Self(at.to_owned())
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}
