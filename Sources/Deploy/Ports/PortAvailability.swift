import Foundation

/// Tells whether a host port can be handed to a deployment.
public protocol PortAvailability: Sendable {
    func isFree(_ port: Int) async -> Bool
}
