// Plain Kotlin over the uniffi bindings (view-models, and the HTTP transport the app hands core):
// no Android here, so the JVM tests compile the same files.
plugins {
    id("org.jetbrains.kotlin.jvm")
}

kotlin {
    jvmToolchain(17)
    sourceSets["main"].kotlin.srcDir("../bindings")
}

dependencies {
    // The bindings load the native library through JNA (the `aar` variant on Android, in `app`).
    compileOnly("net.java.dev.jna:jna:5.15.0")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.9.0")
}
