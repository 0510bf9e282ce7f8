import Foundation

/// What the integration tests read from a rebound status file (--status-file) while rebound runs.
enum ReboundStatusFile {
    /// Its `restarts` count, or -1 while the file is not there or not (yet) whole JSON.
    static func restarts(at path: String) -> Int {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return -1 }
        return object["restarts"] as? Int ?? -1
    }
}
