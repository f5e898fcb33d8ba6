using System.Net;
using SharedList.Bench.Load;

namespace SharedList.Bench.Targets;

/// <summary>A server to load: its name in the results, where it listens, what it speaks, its process if we know it.</summary>
/// <param name="Name">As the results name it: a model (<c>async</c>), <c>redis</c>, <c>garnet</c>, or host:port.</param>
/// <param name="EndPoint">Where it listens.</param>
/// <param name="Protocol">What it speaks.</param>
/// <param name="Pid">Its process id, for its CPU time; null for a server we did not start.</param>
public sealed record BenchTarget(string Name, EndPoint EndPoint, LoadProtocol Protocol, int? Pid)
{
    /// <summary>
    /// The processes of the store the server runs over (the redis-server under a model over the Redis store),
    /// whose CPU time counts as the server's: a request costs the server and its store. Empty for any other.
    /// </summary>
    public IReadOnlyList<int> StorePids { get; init; } = [];
}
