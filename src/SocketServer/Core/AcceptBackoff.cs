using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace SocketServer.Core;

/// <summary>
/// What an accept loop does when accept fails for lack of resources (EMFILE: out of file descriptors):
/// the listener stays readable, so retrying at once would spin. Pause briefly, log once per burst of
/// failures rather than once per attempt, keep serving connected clients, and say when accepting resumes.
/// </summary>
/// <remarks>Used by one accept loop (one thread at a time).</remarks>
internal sealed class AcceptBackoff(ILogger logger)
{
    /// <summary>How long accepting pauses after a failure.</summary>
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    private long _failures;

    /// <summary>Records a failed accept; logs only the first of a burst.</summary>
    public void Failed(SocketException exception)
    {
        if (_failures++ == 0)
        {
            logger.AcceptFailed(exception.SocketErrorCode, exception.Message, Pause.TotalMilliseconds);
        }
    }

    /// <summary>Records a successful accept; ends a burst of failures with one line.</summary>
    public void Succeeded()
    {
        if (_failures > 0)
        {
            logger.AcceptResumed(_failures);
            _failures = 0;
        }
    }
}
