// swift-tools-version:6.0
import PackageDescription

// Stages are targets; data flows one way: XLSXReading → Normalization → Validation →
// XLSXWriting / Store, and Store → Assessment (期满验收) → XLSXWriting. Model sits below them
// all. C libraries are wrapped once each in a system-library target (module map + pkg-config) and
// never leak past their wrapper.
let package = Package(
  name: "pipeline",
  products: [
    .executable(name: "pipeline", targets: ["pipeline"])
  ],
  targets: [
    // MARK: - C libraries (Debian -dev packages; the Makefile installs them)
    .systemLibrary(
      name: "CZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
    .systemLibrary(
      name: "CXlsxWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
    .systemLibrary(
      name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(
      name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),

    // MARK: - Stages
    // What every stage uses and none owns: atomic writes, the results store, SHA-256, folder
    // names, display widths, the time-zone policy, errno.
    .target(name: "Basics"),
    .target(name: "Model"),
    .target(
      name: "XLSXReading", dependencies: ["Basics", "Model", "CZip"],
      // The tokenizer's hot loop touches its buffer state on every byte; the dynamic
      // exclusivity checks on those accesses cost ~15% of a read (measured with perf). Its
      // accesses never overlap, and debug builds (the tests) keep the checks.
      swiftSettings: [
        .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
      ]),
    .target(name: "Normalization", dependencies: ["Model", "XLSXReading"]),
    .target(name: "Validation", dependencies: ["Basics", "Model"]),
    .target(name: "Store", dependencies: ["Model", "CSQLite"]),
    // 期满验收: the stations' records in the store → a grade per station, with its reasons.
    .target(name: "Assessment", dependencies: ["Model", "Store"]),
    .target(
      name: "XLSXWriting",
      dependencies: ["Basics", "Model", "XLSXReading", "Assessment", "CXlsxWriter"]),
    .target(
      name: "Pipeline",
      dependencies: [
        "Basics", "Model", "XLSXReading", "Normalization", "Validation", "XLSXWriting", "Store",
        "Assessment",
      ]),
    // The HTTP server (libmicrohttpd) that `pipeline serve` will answer through.
    .target(name: "HTTPServer", dependencies: ["Basics", "CMicroHTTPD"]),
    // The web application of `pipeline serve`: the page, the JSON API, tokens and receipts.
    .target(
      name: "Serve", dependencies: ["Basics", "Pipeline", "HTTPServer", "XLSXWriting", "Model"]),
    .executableTarget(
      name: "pipeline",
      dependencies: [
        "Basics", "Pipeline", "Model", "Store", "Assessment", "Serve", "XLSXReading",
        "XLSXWriting",
      ]),
    // The libFuzzer target (`make fuzz` builds it with -sanitize=fuzzer and -DFUZZING); in the
    // ordinary build it is a reproducer that runs the files it is given through the same code.
    .executableTarget(
      name: "pipeline-fuzz", dependencies: ["Pipeline", "XLSXReading", "ZipBuilding"]),
    // Zip packages built byte for byte in code (stored or deflated entries, any header field
    // wrong on purpose): the tests' inputs and the fuzzer's XML mode. Not used by the product.
    .target(name: "ZipBuilding"),

    // MARK: - Tests
    .target(
      name: "XLSXTestSupport", dependencies: ["ZipBuilding", "XLSXReading", "Model"],
      path: "Tests/Support"),
    .testTarget(name: "BasicsTests", dependencies: ["Basics"]),
    .testTarget(name: "ModelTests", dependencies: ["Model"]),
    .testTarget(
      name: "XLSXReadingTests", dependencies: ["XLSXReading", "Model", "XLSXTestSupport"]),
    .testTarget(
      name: "NormalizationTests",
      dependencies: ["Normalization", "Model", "XLSXReading", "XLSXTestSupport"]),
    .testTarget(
      name: "ValidationTests",
      dependencies: ["Validation", "Normalization", "XLSXReading", "Model", "XLSXTestSupport"]),
    .testTarget(
      name: "PipelineTests",
      dependencies: ["Pipeline", "XLSXReading", "Model", "Store", "Assessment", "XLSXTestSupport"]),
    .testTarget(
      name: "AssessmentTests",
      dependencies: [
        "Assessment", "Model", "Store", "XLSXWriting", "XLSXReading", "XLSXTestSupport",
      ]),
    .testTarget(
      name: "XLSXWritingTests",
      dependencies: [
        "Basics", "XLSXWriting", "XLSXReading", "Model", "Pipeline", "Assessment", "Normalization",
        "Validation", "XLSXTestSupport",
      ]),
    .testTarget(name: "StoreTests", dependencies: ["Store", "Model", "XLSXTestSupport"]),
    .testTarget(name: "CLibrariesTests", dependencies: ["CXlsxWriter", "CSQLite"]),
    .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "XLSXTestSupport"]),
    .testTarget(
      name: "ServeTests",
      dependencies: [
        "Basics", "Serve", "HTTPServer", "Pipeline", "Model", "XLSXReading", "XLSXTestSupport",
      ],
      resources: [.copy("Resources")]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: ["pipeline", "Model", "Store", "XLSXReading", "XLSXTestSupport"]),
  ]
)
