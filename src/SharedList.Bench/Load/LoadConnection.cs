using System.Diagnostics;
using System.Net.Sockets;

namespace SharedList.Bench.Load;

/// <summary>
/// The closed loop of one connection, apart from its I/O: write a batch of <see cref="RequestPlan.Pipeline"/>
/// requests, wait until every reply is in, record each one's latency from the write, write the next batch.
/// The engines (<see cref="EpollEngine"/>, <see cref="AsyncEngine"/>) only move bytes and call in here.
/// </summary>
/// <remarks>Called by one thread at a time; allocates nothing once connected.</remarks>
internal sealed class LoadConnection
{
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    private readonly RequestPlan _plan;
    private readonly ReplyScanner _scanner;
    private readonly LoadControl _control;
    private int _batch;
    private int _replies;
    private long _sentAt;
    private bool _rampedUp;

    public LoadConnection(int index, Socket socket, RequestPlan plan, ReplyScanner scanner, LoadStats stats, LoadControl control)
    {
        Index = index;
        Socket = socket;
        _plan = plan;
        _scanner = scanner;
        Stats = stats;
        _control = control;

        // Connections start at different points of a mixed plan, so their LISTs do not come in step.
        _batch = (int)((index * 37L) % plan.BatchCount);
    }

    public int Index { get; }

    public Socket Socket { get; }

    public LoadStats Stats { get; }

    /// <summary>True from <see cref="BeginBatch"/> until the batch's last reply.</summary>
    public bool InFlight { get; private set; }

    /// <summary>The bytes of the batch being written, and how many of them are written.</summary>
    public ReadOnlyMemory<byte> Pending { get; private set; }

    public int PendingOffset { get; set; }

    /// <summary>Whether a new batch should be written: not once the run is done.</summary>
    public bool ShouldSend => _control.Phase != LoadPhase.Done;

    /// <summary>Starts the next batch: returns its bytes (also in <see cref="Pending"/>) and notes the time.</summary>
    public ReadOnlyMemory<byte> BeginBatch()
    {
        InFlight = true;
        _replies = 0;
        Pending = _plan.Batch(_batch);
        PendingOffset = 0;
        _sentAt = Stopwatch.GetTimestamp();
        return Pending;
    }

    /// <summary>
    /// Takes received bytes; returns true when they complete the batch in flight. Replies beyond the batch
    /// count as unexpected. Throws <see cref="InvalidDataException"/> on bytes that are not replies.
    /// </summary>
    public bool OnReceived(ReadOnlySpan<byte> data)
    {
        var now = Stopwatch.GetTimestamp();
        var measuring = _control.Phase == LoadPhase.Measure;
        var latency = (long)((now - _sentAt) * NanosecondsPerTick);
        var stats = Stats;
        var completed = false;
        while (_scanner.TryNext(ref data, out var kind))
        {
            stats.Completed++;
            if (!InFlight)
            {
                // The server answered more than was asked.
                stats.Unexpected++;
                continue;
            }

            var expected = _plan.Kind(_batch, _replies);
            var ok = kind == (expected == RequestKind.Append ? ReplyKind.Appended : ReplyKind.Listed);
            if (kind == ReplyKind.Appended)
            {
                stats.Appended++;
            }
            else if (kind == ReplyKind.Listed)
            {
                stats.Listed++;
            }

            if (!ok)
            {
                stats.Unexpected++;
            }

            if (measuring)
            {
                stats.Measured++;
                if (ok)
                {
                    stats.Latency.Record(latency);
                }
                else
                {
                    stats.MeasuredErrors++;
                }
            }

            if (++_replies == _plan.Pipeline)
            {
                InFlight = false;
                _batch = _plan.Next(_batch);
                completed = true;
                EndRampUp();
            }
        }

        return completed;
    }

    /// <summary>The server closed the connection or it failed: counted once, with what it left unanswered.</summary>
    public void Fail()
    {
        Stats.Disconnects++;
        EndRampUp();
        Abandon();
    }

    private void EndRampUp()
    {
        if (!_rampedUp)
        {
            _rampedUp = true;
            Stats.RampedUp++;
        }
    }

    /// <summary>Gives up on the batch in flight (the drain timed out): its missing replies count as unanswered.</summary>
    public void Abandon()
    {
        if (InFlight)
        {
            Stats.Unanswered += _plan.Pipeline - _replies;
            InFlight = false;
        }
    }
}
