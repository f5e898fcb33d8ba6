namespace SocketServer.Connections;

/// <summary>
/// The time of an event loop's round, read once per round and shared by the drivers it serves, instead of a
/// system call per connection and per step: deadlines of seconds need no finer time than one round.
/// </summary>
/// <remarks>Written and read by the loop's thread only.</remarks>
internal sealed class RoundClock
{
    /// <summary>The round's time, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long Now { get; private set; } = Environment.TickCount64;

    /// <summary>Reads the time for a new round.</summary>
    public void Tick() => Now = Environment.TickCount64;
}
