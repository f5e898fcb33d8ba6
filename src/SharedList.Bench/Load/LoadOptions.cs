using System.Net;

namespace SharedList.Bench.Load;

/// <summary>One point of load: where, how many connections, how deep a pipeline, what to send.</summary>
public sealed record LoadOptions
{
    /// <summary>The server to load.</summary>
    public required EndPoint EndPoint { get; init; }

    /// <summary>The protocol to speak. Default line.</summary>
    public LoadProtocol Protocol { get; init; } = LoadProtocol.Line;

    /// <summary>Connections, each with its own closed loop. Default 1.</summary>
    public int Connections { get; init; } = 1;

    /// <summary>Requests in flight per connection (one batch, written at once). Default 1.</summary>
    public int Pipeline { get; init; } = 1;

    /// <summary>Bytes of each appended item. Default 16.</summary>
    public int PayloadBytes { get; init; } = 16;

    /// <summary>The share of appends and LISTs. Default appends only.</summary>
    public RequestMix Mix { get; init; } = RequestMix.AppendsOnly;

    /// <summary>The list's key on a RESP server. Default <c>sharedlist:bench</c>.</summary>
    public string Key { get; init; } = "sharedlist:bench";

    /// <summary>How the engine drives its sockets. Default epoll on Linux, async elsewhere.</summary>
    public LoadEngineKind Engine { get; init; } = OperatingSystem.IsLinux() ? LoadEngineKind.Epoll : LoadEngineKind.Async;

    /// <summary>Threads of the epoll engine; 0 (the default) means one per core this process may use.</summary>
    public int Threads { get; init; }

    /// <summary>How long connecting may take; connections not up by then count as connect failures. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long the ramp-up may take: after connecting, the warm-up starts only once every connection has had
    /// its first reply, or after this long. Default 30 s.
    /// </summary>
    public TimeSpan RampUpTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the replies in flight once the run is over; the rest count as unanswered. Default 2 s.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
