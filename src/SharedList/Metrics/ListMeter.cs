using System.Diagnostics.Metrics;

namespace SharedList.Metrics;

/// <summary>
/// The service's one <see cref="Meter"/> (<see cref="ListMetrics.MeterName"/>): observable counts read from every
/// live service's <see cref="ServiceCounters"/>, the lengths of its store's lists, and the histograms.
/// </summary>
/// <remarks>
/// Services are held weakly: a session factory has no end of its own, so one that is no longer referenced stops
/// being reported once collected. Threading: safe from any thread.
/// </remarks>
internal static class ListMeter
{
    private static readonly string[] CommandNames = ["append", "list", "clear", "auth"];
    private static readonly string[] ErrorNames = ["message_too_long", "invalid_utf8", "not_authenticated", "wrong_password", "list_full", "store_unavailable"];

    // Microseconds to seconds: a request served from memory takes tens of microseconds, one that waits for an fsync
    // milliseconds, and OpenTelemetry's default boundaries (0 to 10,000, meant for milliseconds) would put them all in one bucket.
    private static readonly double[] SecondsBoundaries = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private static readonly int[] BatchBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384];

    private static readonly Lock Gate = new();
    private static readonly Meter Meter = new(ListMetrics.MeterName);
    private static WeakReference<ServiceCounters>[] _services = [];

    /// <summary>See <see cref="ListMetrics.RequestDuration"/>.</summary>
    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram(
        ListMetrics.RequestDuration, "s", "From a batch's receipt to its replies being ready, after the commit.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBoundaries });

    /// <summary>See <see cref="ListMetrics.CommitDuration"/>.</summary>
    public static readonly Histogram<double> CommitDuration = Meter.CreateHistogram(
        ListMetrics.CommitDuration, "s", "One commit of the store.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBoundaries });

    /// <summary>See <see cref="ListMetrics.CommitBatchSize"/>.</summary>
    public static readonly Histogram<int> CommitBatchSize = Meter.CreateHistogram(
        ListMetrics.CommitBatchSize, "{operation}", "Operations one commit covered.", tags: null, new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchBoundaries });

    static ListMeter()
    {
        Meter.CreateObservableCounter(ListMetrics.Requests, Requests, "{request}", "Requests served, by command.");
        Meter.CreateObservableCounter(ListMetrics.Errors, () => Counts(Counted.MessageTooLong, ErrorNames, ListMetrics.KindTag), "{error}", "Error replies, by kind.");
        Meter.CreateObservableGauge(ListMetrics.ListLength, Lengths, "{item}", "Items in each list this process holds.");
        Meter.CreateObservableCounter(ListMetrics.JournalBytesWritten, () => JournalMetrics.BytesWritten, "By", "Bytes the journal wrote.");
        Meter.CreateObservableCounter(ListMetrics.JournalFsyncs, () => JournalMetrics.Fsyncs, "{fsync}", "Times the journal was synced to disk.");
    }

    /// <summary>Reports <paramref name="service"/> while it lives.</summary>
    public static void Join(ServiceCounters service)
    {
        lock (Gate)
        {
            _services = [.. _services.Where(s => s.TryGetTarget(out _)), new WeakReference<ServiceCounters>(service)];
        }
    }

    private static IEnumerable<ServiceCounters> Live()
    {
        foreach (var reference in Volatile.Read(ref _services))
        {
            if (reference.TryGetTarget(out var service))
            {
                yield return service;
            }
        }
    }

    private static IEnumerable<Measurement<long>> Counts(Counted first, string[] names, string tag)
    {
        foreach (var service in Live())
        {
            for (var i = 0; i < names.Length; i++)
            {
                yield return new Measurement<long>(service.Read(first + i), new(tag, names[i]), service.Tag);
            }
        }
    }

    // The line protocol's commands are its Counted values; the Redis protocol's, each of RespCommand.All.
    private static IEnumerable<Measurement<long>> Requests()
    {
        foreach (var service in Live())
        {
            if (!service.IsResp)
            {
                for (var i = 0; i < CommandNames.Length; i++)
                {
                    yield return new Measurement<long>(service.Read(Counted.Append + i), new(ListMetrics.CommandTag, CommandNames[i]), service.Tag);
                }

                continue;
            }

            foreach (var command in Protocol.Resp.RespCommand.All)
            {
                yield return new Measurement<long>(service.ReadResp(command.Id), new(ListMetrics.CommandTag, command.Name), service.Tag);
            }
        }
    }

    // A store shared by several services is reported once; a service's own list is reported even while it is empty
    // (an empty list does not exist in the store, as in Redis), so a dashboard shows its length drop to 0.
    private static IEnumerable<Measurement<int>> Lengths()
    {
        foreach (var services in Live().GroupBy(s => s.Store, ReferenceEqualityComparer.Instance))
        {
            if (services.Key is not IListLengths store)
            {
                continue;
            }

            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (key, length) in store.ListLengths())
            {
                reported.Add(key);
                yield return new Measurement<int>(length, new KeyValuePair<string, object?>(ListMetrics.ListTag, key));
            }

            foreach (var served in services.Where(s => !s.IsResp).Select(s => (string)s.Tag.Value!).Distinct(StringComparer.Ordinal).Where(key => !reported.Contains(key)))
            {
                yield return new Measurement<int>(0, new KeyValuePair<string, object?>(ListMetrics.ListTag, served));
            }
        }
    }
}
