import Foundation
import Testing
import TestSupport

/// `personactl report --html` through the real binaries, on snapshots and a store the real daemon
/// wrote; then the page as a browser renders it (headless Chromium, where installed: `.ci/run` installs it).
@Suite struct ReportTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func theReportHasACardPerPersonaWithItsTrendAndNoExternalAssets() async throws {
        let directory = try TemporaryDirectory("report")
        defer { directory.remove() }
        let config = try await HistoryTests.twoRuns(directory, blogHandle: "<script>alert(1)</script>ana")
        let report = directory.file("out/report.html")
        try FileManager.default.createDirectory(atPath: directory.file("out"), withIntermediateDirectories: true)
        let (status, output) = try await DaemonProcess.run(["--config", config, "report", "--html", report], executable: "personactl")
        #expect(status == 0 && output.contains("wrote \(report): 2 personas"), "\(output)")
        let html = try String(contentsOfFile: report, encoding: .utf8)

        // A card per persona, each on its own; the trend of ana-x drawn from its two entries.
        #expect(html.components(separatedBy: #"<section class="card""#).count - 1 == 2)
        let cardX = try #require(html.components(separatedBy: #"data-persona="ana-x""#).dropFirst().first?.components(separatedBy: "</section>").first)
        #expect(cardX.contains(#"<svg class="trend""#) && cardX.components(separatedBy: "<circle").count - 1 == 2, "\(cardX)")
        #expect(cardX.contains("90% interval") && cardX.contains("applause"), "\(cardX)")
        let cardBlog = try #require(html.components(separatedBy: #"data-persona="ana-blog""#).dropFirst().first?.components(separatedBy: "</section>").first)
        #expect(cardBlog.contains("error") && cardBlog.contains("127.0.0.1:1/feed.xml"), "the failing source and its error: \(cardBlog)")
        // Self-contained and script-free: nothing for a browser to fetch or run; input is escaped.
        for forbidden in ["<script", "<link", "<img", "src=", "url(", "@import"] {
            #expect(!html.contains(forbidden), "\(forbidden) in the report")
        }
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;ana"))

        // The temporary file is gone: the page was renamed into place.
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.file("out"))
        #expect(left == ["report.html"], "\(left)")
    }

    @Test(.enabled(if: chromium != nil, "headless Chromium is not installed (apt-get install chromium)"))
    func chromiumRendersEveryCardWithoutConsoleErrors() async throws {
        let directory = try TemporaryDirectory("report-chromium")
        defer { directory.remove() }
        let config = try await HistoryTests.twoRuns(directory)
        let report = directory.file("report.html")
        let (status, output) = try await DaemonProcess.run(["--config", config, "report", "--html", report], executable: "personactl")
        try #require(status == 0, "\(output)")
        let chromium = try #require(Self.chromium)
        let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                         "--user-data-dir=\(directory.file("profile"))"]
        let (dom, domLog) = try await Self.run(chromium, arguments + ["--dump-dom", "file://\(report)"], log: directory.file("dom.log"))
        #expect(dom.components(separatedBy: #"<section class="card""#).count - 1 == 2, "\(domLog)")
        #expect(dom.contains(#"data-persona="ana-x""#) && dom.contains(#"data-persona="ana-blog""#))
        let png = directory.file("report.png")
        let (_, shotLog) = try await Self.run(chromium, arguments + ["--window-size=1200,1600", "--screenshot=\(png)", "file://\(report)"], log: directory.file("shot.log"))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) && bytes.count > 10_000, "\(shotLog)")
        // Console messages reach stderr as "CONSOLE(line)" or "Uncaught"; a page without scripts has none.
        for log in [domLog, shotLog] {
            let console = log.split(separator: "\n").filter { $0.contains("CONSOLE") || $0.contains("Uncaught") || $0.contains("ERR_FILE_NOT_FOUND") }
            #expect(console.isEmpty, "\(console)")
        }
    }

    /// (standard output, standard error) of a process run to its end (`runChild`: no thread of the
    /// test pool held while Chromium runs); standard error is also kept in `log`.
    static func run(_ executable: String, _ arguments: [String], log: String) async throws -> (String, String) {
        let result = try await runChild(executable, arguments)
        try result.errors.write(to: URL(fileURLWithPath: log))
        return (String(decoding: result.output, as: UTF8.self), String(decoding: result.errors, as: UTF8.self))
    }
}
