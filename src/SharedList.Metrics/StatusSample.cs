namespace SharedList.Metrics;

/// <summary>One second of the status page's chart.</summary>
/// <param name="Time">When it was taken, in Unix milliseconds.</param>
/// <param name="Connections">Connections open, over every server of the process.</param>
/// <param name="Requests">Requests served since start, over every command and list.</param>
/// <param name="RequestsPerSecond">Requests served since the sample before, per second.</param>
/// <param name="Lists">Each list's length.</param>
public sealed record StatusSample(long Time, long Connections, long Requests, double RequestsPerSecond, IReadOnlyDictionary<string, int> Lists);
