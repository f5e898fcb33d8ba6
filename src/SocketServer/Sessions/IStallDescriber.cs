namespace SocketServer.Sessions;

/// <summary>
/// A session that can say why its connection is stalled, for the server's log: the server sees only bytes held,
/// the session knows what they mean (a line protocol can tell a client that never sends a newline).
/// </summary>
/// <remarks>
/// Called when a stalled connection is first reported (<see cref="ServerOptions.StallNotice"/>) and when it is
/// closed for a timeout. The first may come from another thread than <see cref="ISession.Process"/>, even while
/// it runs: use only the <see cref="ConnectionStall"/> given and state that does not change.
/// </remarks>
public interface IStallDescriber
{
    /// <summary>What the held bytes probably mean and what to do about it, or null to say nothing.</summary>
    /// <param name="stall">What the connection held when it last made progress or received bytes.</param>
    string? DescribeStall(ConnectionStall stall);
}
