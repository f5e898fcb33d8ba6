using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SharedList.Metrics;
using SharedList.Tests.Stores.Journal;

namespace SharedList.Tests.Metrics;

/// <summary>The store's instruments (commit latency and batch size; the journal's bytes and fsyncs) read through a <see cref="MeterListener"/>.</summary>
/// <remarks>The instruments are process-wide and untagged, and other tests commit at the same time: each check is a lower bound.</remarks>
public sealed class StoreMeterTests
{
    [Fact]
    public void A_journal_commit_records_its_latency_its_batch_and_the_bytes_and_fsyncs_it_cost()
    {
        var durations = new ConcurrentBag<double>();
        var batches = new ConcurrentBag<int>();
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ListMetrics.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == ListMetrics.CommitDuration)
            {
                durations.Add(value);
            }
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (instrument.Name == ListMetrics.CommitBatchSize)
            {
                batches.Add(value);
            }
        });
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals[instrument.Name] = value);
        listener.Start();

        listener.RecordObservableInstruments();
        var bytesBefore = totals.GetValueOrDefault(ListMetrics.JournalBytesWritten);
        var fsyncsBefore = totals.GetValueOrDefault(ListMetrics.JournalFsyncs);

        using var directory = new JournalDirectory();
        long headerBytes;
        using (var store = directory.Open())
        {
            headerBytes = directory.JournalLength;

            // Three operations issued before one commit: one batch of (at least) three.
            var list = store.GetList(JournalTestOperations.Key);
            list.Append("a"u8);
            list.Append("b"u8);
            var last = list.Append("c"u8);
            store.Committer!.Commit(last.Ticket);
            Assert.Equal(SharedList.Stores.StoreOutcome.Appended, last.Resolve().Outcome);
        }

        listener.RecordObservableInstruments();
        Assert.NotEmpty(durations);
        Assert.All(durations, d => Assert.True(d >= 0, $"a commit took {d} s"));
        Assert.Contains(batches, size => size >= 3);
        Assert.True(totals[ListMetrics.JournalBytesWritten] - bytesBefore >= directory.JournalLength - headerBytes, "every byte of the records was counted");
        Assert.True(totals[ListMetrics.JournalFsyncs] - fsyncsBefore >= 1, "the commit's fsync was counted");
    }

    [Fact]
    public void A_journal_stores_list_lengths_are_reported()
    {
        var key = $"journal-lengths-{Guid.NewGuid():N}";
        var lengths = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == ListMetrics.ListLength)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == ListMetrics.ListTag)
                {
                    lengths[(string)tag.Value!] = value;
                }
            }
        });
        listener.Start();

        using var directory = new JournalDirectory();
        using var store = directory.Open();
        var service = new ServiceCounters(store, key);
        store.AppendNow("a", key);
        store.AppendNow("b", key);
        store.AppendNow("c", $"{key}-other");

        listener.RecordObservableInstruments();
        Assert.Equal(2, lengths[key]);
        Assert.Equal(1, lengths[$"{key}-other"]);

        store.ClearNow(key);
        lengths.Clear();
        listener.RecordObservableInstruments();
        Assert.Equal(0, lengths[key]);

        // The meter holds services weakly: this one must live until the last collection.
        GC.KeepAlive(service);
    }
}
