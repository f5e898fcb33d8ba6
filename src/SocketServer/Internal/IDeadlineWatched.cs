namespace SocketServer.Internal;

/// <summary>A connection a <see cref="DeadlineSweeper"/> watches.</summary>
internal interface IDeadlineWatched
{
    /// <summary>When it is to be closed, in <see cref="Environment.TickCount64"/> milliseconds; <see cref="long.MaxValue"/> for never. Read from the sweeper's thread.</summary>
    long Deadline { get; }

    /// <summary>When a stall of it is due to be reported; <see cref="long.MaxValue"/> for never. Read from the sweeper's thread.</summary>
    long StallNoticeAt { get; }

    /// <summary>Reports its stall, once; called from the sweeper's thread, at or after <see cref="StallNoticeAt"/>.</summary>
    void NoticeStall(long now);

    /// <summary>Ends the connection's pending I/O, so its owner closes it by its usual path; called from the sweeper's thread.</summary>
    void Expire();
}
