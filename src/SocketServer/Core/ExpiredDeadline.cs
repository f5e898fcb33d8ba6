using SocketServer.Connections;

namespace SocketServer.Core;

/// <summary>
/// Why a connection is closed at its deadline, taken when the deadline passed: a model that ends the connection by
/// shutting its socket down sees its input end first, and the session's last run must not change the account.
/// </summary>
internal sealed record ExpiredDeadline(string Reason, TimeSpan Bound, string? Description)
{
    /// <summary>The account of <paramref name="driver"/>'s deadline now; may be taken from another thread (a sweep).</summary>
    public static ExpiredDeadline Of(ConnectionDriver driver) => new(driver.DeadlineReason, driver.DeadlineBound, driver.DescribeStall());
}
