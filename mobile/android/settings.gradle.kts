// The Android shell: `app` (Jetpack Compose screens, platform services) over `viewmodels`
// (plain Kotlin, also compiled and tested on the JVM by `cargo xtask test`).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "tongban-android"
include(":app", ":viewmodels")
