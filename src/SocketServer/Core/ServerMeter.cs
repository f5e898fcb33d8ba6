using System.Diagnostics.Metrics;

namespace SocketServer.Core;

/// <summary>
/// The library's one <see cref="Meter"/> (<see cref="ServerMetrics.MeterName"/>): observable instruments that read
/// the counters of every server bound and not yet closed, one series per server.
/// </summary>
/// <remarks>Threading: servers register and leave from any thread; a listener's collection reads a copy of the list.</remarks>
internal static class ServerMeter
{
    private static readonly Lock Gate = new();
    private static readonly Meter Meter = new(ServerMetrics.MeterName);
    private static Source[] _sources = [];

    static ServerMeter()
    {
        Meter.CreateObservableUpDownCounter(ServerMetrics.ConnectionsCurrent, () => Each(s => (long)s.Core.Connections.Count), "{connection}", "Connections open now.");
        Meter.CreateObservableCounter(ServerMetrics.ConnectionsAccepted, () => Each(s => s.Core.Counters.Accepted), "{connection}", "Connections admitted.");
        Meter.CreateObservableCounter(ServerMetrics.ConnectionsRefused, Refused, "{connection}", "Connections refused: over the limit, by the server's verification, or into the descriptor reserve.");
        Meter.CreateObservableCounter(ServerMetrics.BytesReceived, () => Each(s => s.Core.Counters.BytesReceived), "By", "Bytes received on stream connections (after TLS).");
        Meter.CreateObservableCounter(ServerMetrics.BytesSent, () => Each(s => s.Core.Counters.BytesSent), "By", "Bytes sent on stream connections (before TLS).");
        Meter.CreateObservableCounter(ServerMetrics.CoalescingPauses, () => Each(s => s.Core.Counters.CoalescingPauses), "{pause}", "Pauses an event loop made under load so that its next round serves more connections (ServerOptions.CoalesceDelay).");
        Meter.CreateObservableCounter(ServerMetrics.CoalescingPauseTime, () => Each(s => s.Core.Counters.CoalescingPauseTime.TotalSeconds), "s", "Time the event loops' pauses under load asked for; over the pauses, their average length (at most ServerOptions.CoalesceDelay).");
    }

    /// <summary>Reports <paramref name="core"/>'s counters under <paramref name="address"/> until <see cref="Leave"/>.</summary>
    public static void Join(ServerCore core, string address)
    {
        lock (Gate)
        {
            _sources = [.. _sources.Where(s => s.Core != core), new Source(core, address)];
        }
    }

    /// <summary>Stops reporting <paramref name="core"/>.</summary>
    public static void Leave(ServerCore core)
    {
        lock (Gate)
        {
            _sources = [.. _sources.Where(s => s.Core != core)];
        }
    }

    private static IEnumerable<Measurement<T>> Each<T>(Func<Source, T> read)
        where T : struct
    {
        foreach (var source in Volatile.Read(ref _sources))
        {
            yield return new Measurement<T>(read(source), source.Tag);
        }
    }

    private static IEnumerable<Measurement<long>> Refused()
    {
        foreach (var source in Volatile.Read(ref _sources))
        {
            var counters = source.Core.Counters;
            yield return new Measurement<long>(counters.RefusedLimit, source.Tag, new(ServerMetrics.ReasonTag, "limit"));
            yield return new Measurement<long>(counters.RefusedVerify, source.Tag, new(ServerMetrics.ReasonTag, "verify"));
            yield return new Measurement<long>(counters.RefusedReserve, source.Tag, new(ServerMetrics.ReasonTag, "reserve"));
        }
    }

    private sealed record Source(ServerCore Core, string Address)
    {
        public KeyValuePair<string, object?> Tag { get; } = new(ServerMetrics.ServerAddressTag, Address);
    }
}
