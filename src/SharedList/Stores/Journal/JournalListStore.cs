using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Unicode;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using SocketServer.Sessions;

namespace SharedList.Stores.Journal;

/// <summary>
/// Lists that outlive the process: every change (append, push, pop, clear, clear-all) is a record of one journal file
/// (<c>DIR/sharedlist.journal</c>, docs/DURABILITY.md), replayed at start-up, and the lists are kept in memory
/// as the memory store keeps them. A reply waits for the commit that writes its record (and, with
/// <see cref="FsyncPolicy.Always"/>, flushes it to the disk). Only lists that hold an item are kept: a list emptied
/// is dropped, and a handle (<see cref="GetList"/>) finds its list by key at each operation.
/// </summary>
/// <remarks>
/// <para>Threading: safe for any number of concurrent callers. One lock orders the store: an operation applies to
/// the list in memory and encodes its record into the pending buffer under it, and takes the next ticket. A commit
/// (<see cref="GroupCommitter"/>, one at a time) takes the pending buffer under the lock and writes it with one
/// call outside it, so operations keep arriving while a write and its flush are under way.</para>
/// <para>A write that fails (a full disk) is cut from the file, the lists it changed are rebuilt from the journal,
/// and its operations, and any taken after them, fail with <see cref="StoreOutcome.Unavailable"/>; the next commit
/// tries again. A read waits for the last ticket issued, so <c>LIST</c> never shows an item whose record is not
/// yet written.</para>
/// <para>A journal mostly dead (cleared or popped) is rewritten from memory, by the commit that finds it so: the
/// new journal holds each list's items and covers the records that commit took (<see cref="JournalRewriter"/>).</para>
/// <para>Ownership: the store owns the journal; <see cref="Dispose"/> writes and flushes what is pending and closes it.</para>
/// </remarks>
public sealed class JournalListStore : GroupCommitter, IListStore, Metrics.IListLengths
{
    private readonly Lock _gate = new();
    private readonly Lock _fileGate = new();
    private readonly Dictionary<string, JournalListState> _lists = new(StringComparer.Ordinal);
    private readonly JournalOptions _options;
    private readonly ILogger _logger;
    private readonly string _path;
    private readonly Timer? _syncTimer;

    // Held open, exclusively, while the store is: a second process on the same directory is refused.
    private FileStream? _directoryLock;

    // Under _gate: the records not yet written, their batch, and the last ticket issued and its batch.
    private ArrayBufferWriter<byte> _pending = new();
    private CommitBatch _batch = new();
    private long _batchNumber = 1;
    private long _lastIssued;
    private CommitBatch _lastIssuedBatch;
    private long _liveBytes;
    private bool _closing;

    // Under _gate: for a failed batch to rebuild the lists it dropped, the keys of lists emptied and the batch that
    // did it (kept until that batch's commit is over), and the last batch with a clear-all.
    private readonly Dictionary<string, long> _droppedInBatch = new(StringComparer.Ordinal);
    private long _clearedAllInBatch;

    // The committing thread's: the file, its length, the spare buffer, and whether writes are failing.
    private IJournalFile _file;
    private long _fileLength;
    private ArrayBufferWriter<byte> _spare = new();
    private bool _writesFailing;
    private bool _truncationOwed;
    private long _rewriteRetryLength;

    // The flushing timer's: whether something was written since the last flush, and whether flushes are failing.
    private int _unsynced;
    private bool _syncFailing;
    private int _disposed;

    private JournalListStore(JournalOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _path = Path.Combine(options.Directory, JournalFormat.FileName);
        _lastIssuedBatch = _batch;
        _file = null!;
        if (options.Fsync == FsyncPolicy.EverySecond)
        {
            _syncTimer = new Timer(static state => ((JournalListStore)state!).SyncIfWritten(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <inheritdoc/>
    public int MaxItems => _options.MaxItems;

    /// <inheritdoc/>
    public ICommitter Committer => this;

    /// <summary>The journal file.</summary>
    public string JournalPath => _path;

    /// <summary>
    /// Opens the journal in <see cref="JournalOptions.Directory"/> (creating both when missing) and replays it: a
    /// torn tail is cut with one warning; damage in the middle throws <see cref="JournalCorruptException"/>, or with
    /// <see cref="JournalOptions.Repair"/> is cut with one warning; a journal mostly dead is rewritten.
    /// </summary>
    /// <exception cref="JournalCorruptException">The journal is damaged before its end, or is not a SharedList journal.</exception>
    /// <exception cref="IOException">The directory or the journal cannot be read or written.</exception>
    public static JournalListStore Open(JournalOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxItems);
        var store = new JournalListStore(options, logger);
        try
        {
            store.Load();
            return store;
        }
        catch
        {
            store._syncTimer?.Dispose();
            store._file?.Dispose();
            store._directoryLock?.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    IStoredList IListStore.GetList(string key) => GetList(key);

    /// <summary>The handle of the list named <paramref name="key"/>; getting it stores nothing.</summary>
    /// <exception cref="ArgumentException">The key is longer than 65,535 UTF-8 bytes.</exception>
    public IStoredList GetList(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var keyBytes = Encoding.UTF8.GetBytes(key);
        if (keyBytes.Length > JournalFormat.MaxKeyBytes)
        {
            throw new ArgumentException($"A key is at most {JournalFormat.MaxKeyBytes} UTF-8 bytes.", nameof(key));
        }

        return new JournalList(this, key, keyBytes);
    }

    /// <inheritdoc/>
    public StoreResult ListKeys()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            return PendingOnLastIssued(StoreResult.Listed([.. _lists.Keys]));
        }
    }

    /// <inheritdoc/>
    public StoreResult ClearAll()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            var cleared = _lists.Count;
            if (cleared == 0)
            {
                return PendingOnLastIssued(StoreResult.Cleared(0));
            }

            _lists.Clear();
            _liveBytes = 0;
            JournalFormat.WriteClearAll(_pending);
            _clearedAllInBatch = _batchNumber;
            return IssueLocked(StoreResult.Cleared(cleared));
        }
    }

    /// <inheritdoc/>
    /// <remarks>The lengths include operations whose records are not yet written: what the next replies will say.</remarks>
    IEnumerable<KeyValuePair<string, int>> Metrics.IListLengths.ListLengths()
    {
        lock (_gate)
        {
            return [.. _lists.Select(list => new KeyValuePair<string, int>(list.Key, list.Value.Memory.Count))];
        }
    }

    /// <summary>The number of lists held (each holds at least one item).</summary>
    internal int ListCount
    {
        get
        {
            lock (_gate)
            {
                return _lists.Count;
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        long last;
        lock (_gate)
        {
            _closing = true;
            last = _lastIssued;
        }

        Commit(last);
        if (_syncTimer is not null)
        {
            using var stopped = new ManualResetEvent(false);
            if (_syncTimer.Dispose(stopped))
            {
                stopped.WaitOne();
            }
        }

        lock (_fileGate)
        {
            try
            {
                if (_options.Fsync != FsyncPolicy.Always)
                {
                    _file.Sync();
                }
            }
            catch (IOException exception)
            {
                _logger.SyncFailing(exception, _path);
            }
            finally
            {
                _file.Dispose();
                _directoryLock?.Dispose();
            }
        }
    }

    internal StoreResult Append(JournalList list, ReadOnlySpan<byte> utf8Item)
    {
        if (utf8Item.Length > JournalFormat.MaxItemBytes)
        {
            return StoreResult.Unavailable("the item is too large for the journal");
        }

        var item = Utf8.IsValid(utf8Item) ? utf8Item : AsValidUtf8(utf8Item);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            var state = FindOrNewLocked(list.Key, out var isNew);
            if (!state.Memory.TryAppend(item))
            {
                // Full counts items not yet written: it too waits for them.
                return PendingOnLastIssued(StoreResult.Full);
            }

            AddIfNewLocked(list.Key, state, isNew);
            AddLive(state, JournalFormat.WriteAppend(_pending, list.KeyBytes, item));
            return IssueLocked(state, StoreResult.Appended);
        }
    }

    internal StoreResult Push(JournalList list, ListEnd end, IReadOnlyList<ReadOnlyMemory<byte>> utf8Items)
    {
        ArgumentNullException.ThrowIfNull(utf8Items);
        ArgumentOutOfRangeException.ThrowIfZero(utf8Items.Count, nameof(utf8Items));
        if (JournalFormat.PushBodyBytes(utf8Items) > JournalFormat.MaxBodyBytes)
        {
            return StoreResult.Unavailable("the items are too large for the journal");
        }

        var items = WithValidUtf8(utf8Items);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            var state = FindOrNewLocked(list.Key, out var isNew);
            if (!state.Memory.TryPush(end, items, out var length))
            {
                return PendingOnLastIssued(StoreResult.Full);
            }

            AddIfNewLocked(list.Key, state, isNew);
            AddLive(state, JournalFormat.WritePush(_pending, list.KeyBytes, end, items));
            return IssueLocked(state, StoreResult.Pushed(length));
        }
    }

    // Replay refuses a record that is not UTF-8: the journal keeps what memory keeps, U+FFFD for each invalid sequence.
    private static byte[] AsValidUtf8(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8));

    private static IReadOnlyList<ReadOnlyMemory<byte>> WithValidUtf8(IReadOnlyList<ReadOnlyMemory<byte>> items)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (!Utf8.IsValid(items[i].Span))
            {
                return [.. items.Select(item => Utf8.IsValid(item.Span) ? item : AsValidUtf8(item.Span))];
            }
        }

        return items;
    }

    internal StoreResult Pop(JournalList list, ListEnd end, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            if (!_lists.TryGetValue(list.Key, out var state))
            {
                return PendingOnLastIssued(StoreResult.Read(default, 0));
            }

            var popped = state.Memory.Pop(end, count, out var before);
            JournalFormat.WritePop(_pending, list.KeyBytes, end, popped.Count);
            _liveBytes -= state.Release(popped.Count, before);
            var result = IssueLocked(state, StoreResult.Read(popped, before));
            if (popped.Count == before)
            {
                DropLocked(list.Key);
            }

            return result;
        }
    }

    internal StoreResult Clear(JournalList list)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            if (!_lists.TryGetValue(list.Key, out var state))
            {
                return PendingOnLastIssued(StoreResult.Cleared(0));
            }

            var removed = state.Memory.Clear();
            JournalFormat.WriteClear(_pending, list.KeyBytes);
            _liveBytes -= state.LiveBytes;
            state.LiveBytes = 0;
            var result = IssueLocked(state, StoreResult.Cleared(removed));
            DropLocked(list.Key);
            return result;
        }
    }

    internal StoreResult Read(JournalList list)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            var snapshot = _lists.TryGetValue(list.Key, out var state) ? state.Memory.Snapshot() : default;
            return PendingOnLastIssued(StoreResult.Read(snapshot));
        }
    }

    internal StoreResult Range(JournalList list, long start, long stop)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            if (!_lists.TryGetValue(list.Key, out var state))
            {
                return PendingOnLastIssued(StoreResult.Read(default, 0));
            }

            var items = state.Memory.Range(start, stop, out var length);
            return PendingOnLastIssued(StoreResult.Read(items, length));
        }
    }

    internal StoreResult Count(JournalList list)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            var count = _lists.TryGetValue(list.Key, out var state) ? state.Memory.Count : 0;
            return PendingOnLastIssued(StoreResult.Counted(count));
        }
    }

    internal ListSnapshot Peek(JournalList list)
    {
        lock (_gate)
        {
            return _lists.TryGetValue(list.Key, out var state) ? state.Memory.Snapshot() : default;
        }
    }

    /// <inheritdoc/>
    /// <remarks>A commit that flushes to the disk takes milliseconds: an async server's reactor is not held for it.</remarks>
    public override bool CommitsQuickly => _options.Fsync != FsyncPolicy.Always;

    /// <inheritdoc/>
    protected override long CommitPending()
    {
        ArrayBufferWriter<byte> records;
        CommitBatch batch;
        long batchNumber;
        long through;
        List<KeyValuePair<string, ListSnapshot>>? rewrite = null;
        lock (_gate)
        {
            through = _lastIssued;
            if (_pending.WrittenCount == 0)
            {
                return through;
            }

            records = _pending;
            batch = _batch;
            batchNumber = _batchNumber++;
            _pending = _spare;
            _batch = new CommitBatch();
            ForgetDroppedBefore(batchNumber);
            if (RewriteDueLocked(records.WrittenCount))
            {
                // Memory now is the journal plus these records: a journal of it commits them as well.
                rewrite = [.. _lists.Select(list => KeyValuePair.Create(list.Key, list.Value.Memory.Snapshot()))];
            }
        }

        var start = _fileLength;
        try
        {
            if (rewrite is not null && TryRewrite(rewrite, start + records.WrittenCount))
            {
                return through;
            }

            if (_truncationOwed)
            {
                _file.SetLength(start);
                _truncationOwed = false;
            }

            _file.Write(records.WrittenSpan, start);
            if (_options.Fsync == FsyncPolicy.Always)
            {
                _file.Sync();
            }
            else
            {
                Volatile.Write(ref _unsynced, 1);
            }

            _fileLength = start + records.WrittenCount;
            if (_writesFailing)
            {
                _writesFailing = false;
                _logger.WritesRecovered(_path);
            }
        }
        catch (Exception exception) when (IsWriteFailure(exception))
        {
            through = RollBack(batch, batchNumber, start, exception);
        }
        finally
        {
            records.ResetWrittenCount();
            _spare = records;
        }

        return through;
    }

    // Under _gate: the result of an operation that changed `state`, waiting for the ticket it takes now.
    private StoreResult IssueLocked(JournalListState state, StoreResult provisional)
    {
        state.ChangedInBatch = _batchNumber;
        return IssueLocked(provisional);
    }

    // Under _gate: the result of an operation whose record is pending, waiting for the ticket it takes now.
    private StoreResult IssueLocked(StoreResult provisional)
    {
        _lastIssuedBatch = _batch;
        return StoreResult.Pending(provisional, ++_lastIssued, _batch);
    }

    // Under _gate: a result that depends on every operation so far, so waits for the last one's commit.
    private StoreResult PendingOnLastIssued(StoreResult provisional) =>
        IsCommitted(_lastIssued) ? provisional : StoreResult.Pending(provisional, _lastIssued, _lastIssuedBatch);

    // Under _gate: the list named `key`, or a new empty one (`isNew`) that the caller adds once it holds an item.
    private JournalListState FindOrNewLocked(string key, out bool isNew)
    {
        isNew = !_lists.TryGetValue(key, out var state);
        return state ?? new JournalListState(key, _options.MaxItems);
    }

    private void AddIfNewLocked(string key, JournalListState state, bool isNew)
    {
        if (isNew)
        {
            _lists.Add(key, state);
        }
    }

    // Under _gate: drops the emptied list `key`, remembering it for a rollback of this batch.
    private void DropLocked(string key)
    {
        _lists.Remove(key);
        _droppedInBatch[key] = _batchNumber;
    }

    // Under _gate, as batch `batchNumber` is taken: every batch before it has committed or been rolled back.
    private void ForgetDroppedBefore(long batchNumber)
    {
        foreach (var (key, batch) in _droppedInBatch)
        {
            if (batch < batchNumber)
            {
                _droppedInBatch.Remove(key);
            }
        }
    }

    private void AddLive(JournalListState state, int recordBytes)
    {
        state.LiveBytes += recordBytes;
        _liveBytes += recordBytes;
    }

    // Under _gate, on the committing thread: whether the journal, with `taken` bytes about to be written, is mostly dead.
    private bool RewriteDueLocked(long taken)
    {
        if (_writesFailing || _truncationOwed || _fileLength < _rewriteRetryLength)
        {
            return false;
        }

        var dead = DeadBytes(_fileLength + taken);
        return dead > _liveBytes && dead > _options.RewriteMinDeadBytes;
    }

    // Every byte of a journal `length` long that no list accounts for: records cleared, popped, or left out at replay.
    private long DeadBytes(long length) => length - JournalFormat.FileHeaderBytes - _liveBytes;

    // Replaces the journal, `before` bytes long with the batch being committed, by one of `lists`; false when it could not.
    private bool TryRewrite(List<KeyValuePair<string, ListSnapshot>> lists, long before)
    {
        IJournalFile file;
        long after;
        long[] written;
        try
        {
            file = InstallRewrite(lists, out after, out written);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Not retried at every commit: only once the journal has grown by the threshold again.
            _rewriteRetryLength = before + _options.RewriteMinDeadBytes;
            _logger.RewriteFailed(exception, _path);
            return false;
        }

        IJournalFile old;
        lock (_fileGate)
        {
            old = _file;
            _file = file;
            _fileLength = after;
        }

        old.Dispose();
        lock (_gate)
        {
            AccountRewrittenLocked(lists, written);
        }

        _logger.Rewritten(_path, before, after);
        return true;
    }

    // Writes, opens and renames into place the journal of `lists`, flushed; throws, leaving the journal as it was, when it cannot.
    private IJournalFile InstallRewrite(List<KeyValuePair<string, ListSnapshot>> lists, out long length, out long[] written)
    {
        written = new long[lists.Count];
        length = JournalRewriter.WriteTemporary(_options.Directory, lists, written);
        var temporary = Path.Combine(_options.Directory, JournalFormat.RewriteFileName);
        IJournalFile? file = null;
        try
        {
            // Opened before the rename, so the handle is the new journal's whatever happens after it.
            file = _options.OpenFile(temporary);
            File.Move(temporary, _path, overwrite: true);
        }
        catch
        {
            file?.Dispose();
            File.Delete(temporary);
            throw;
        }

        try
        {
            FileSync.SyncDirectory(_options.Directory);
        }
        catch (IOException exception)
        {
            // The new journal is in place and flushed; only its name may be lost in a machine crash, with the old one back.
            _logger.SyncFailing(exception, _path);
        }

        return file;
    }

    // Under _gate: a list unchanged since its snapshot has for live bytes what the rewrite wrote for it; one changed
    // since keeps its count (an estimate), and the total is summed again.
    private void AccountRewrittenLocked(List<KeyValuePair<string, ListSnapshot>> lists, long[] written)
    {
        for (var i = 0; i < lists.Count; i++)
        {
            if (_lists.TryGetValue(lists[i].Key, out var state) && state.ChangedInBatch < _batchNumber)
            {
                state.LiveBytes = written[i];
            }
        }

        _liveBytes = _lists.Values.Sum(list => list.LiveBytes);
    }

    // A failed write: the file back to where the batch began, memory back to the file, and every operation since failed.
    private long RollBack(CommitBatch batch, long batchNumber, long start, Exception exception)
    {
        var reason = Describe(exception);
        if (!_writesFailing)
        {
            _writesFailing = true;
            _logger.WritesFailing(exception, _path, reason);
        }

        try
        {
            _file.SetLength(start);
        }
        catch (Exception truncation) when (IsWriteFailure(truncation))
        {
            // The next write cuts it first: until then the bytes past `start` are never counted as the journal's.
            _truncationOwed = true;
        }

        long through;
        CommitBatch later;
        lock (_gate)
        {
            // Operations taken after the failed batch were applied on top of it in memory: they fail with it.
            later = _batch;
            _pending.ResetWrittenCount();
            _batch = new CommitBatch();
            _lastIssuedBatch = _batch;
            through = _lastIssued;
            try
            {
                using var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                ReplayLocked(handle, start, ChangedSinceLocked(batchNumber), out _);
            }
            catch (Exception replay) when (replay is IOException or UnauthorizedAccessException)
            {
                _logger.RollbackFailed(replay, _path);
            }
        }

        batch.Fail(reason);
        later.Fail(reason);
        return through;
    }

    // RandomAccess.Write reports EFBIG (a file size limit, RLIMIT_FSIZE) as ArgumentOutOfRangeException, not IOException.
    private static bool IsWriteFailure(Exception exception) =>
        exception is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException;

    private static string Describe(Exception exception)
    {
        // .NET on Unix gives an IOException the errno as its HResult.
        const int NoSpace = 28, QuotaExceeded = 122;
        return exception switch
        {
            ArgumentOutOfRangeException => "the journal has reached the largest file allowed",
            IOException { HResult: NoSpace } => "no space left on device",
            IOException when exception.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase) => "no space left on device",
            IOException { HResult: QuotaExceeded } => "disk quota exceeded",
            _ => "the journal could not be written",
        };
    }

    // Under _gate: the keys of the lists changed by batch `batchNumber` and those after it; null when one cleared them all.
    private HashSet<string>? ChangedSinceLocked(long batchNumber)
    {
        if (_clearedAllInBatch >= batchNumber)
        {
            return null;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, state) in _lists)
        {
            if (state.ChangedInBatch >= batchNumber)
            {
                keys.Add(key);
            }
        }

        foreach (var (key, batch) in _droppedInBatch)
        {
            if (batch >= batchNumber)
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    private void SyncIfWritten()
    {
        if (Interlocked.Exchange(ref _unsynced, 0) == 0)
        {
            return;
        }

        lock (_fileGate)
        {
            try
            {
                _file.Sync();
                if (_syncFailing)
                {
                    _syncFailing = false;
                    _logger.SyncRecovered(_path);
                }
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException)
            {
                Volatile.Write(ref _unsynced, 1);
                if (!_syncFailing && exception is IOException)
                {
                    _syncFailing = true;
                    _logger.SyncFailing(exception, _path);
                }
            }
        }
    }

    // Start-up: the directory, the header, the replay, the tail, a rewrite when mostly dead, then the file for writing.
    private void Load()
    {
        Directory.CreateDirectory(_options.Directory);
        LockDirectory();
        var stale = Path.Combine(_options.Directory, JournalFormat.RewriteFileName);
        if (File.Exists(stale))
        {
            File.Delete(stale);
            _logger.StaleRewriteDeleted(_path, JournalFormat.RewriteFileName);
        }

        var clock = Stopwatch.StartNew();
        long length;
        long records;
        using (var handle = File.OpenHandle(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read))
        {
            length = CheckFileHeader(handle);
            JournalReader reader;
            lock (_gate)
            {
                reader = ReplayLocked(handle, length, rebuild: null, out records);
            }

            if (reader.End != JournalEnd.Complete)
            {
                var cut = length - reader.Offset;
                if (reader.End == JournalEnd.Damaged && !_options.Repair)
                {
                    throw new JournalCorruptException(
                        _path,
                        reader.Offset,
                        $"the journal {_path} is damaged at offset {reader.Offset} ({reader.Problem}, with {cut} bytes from there to its end); " +
                        $"--repair cuts it at offset {reader.Offset}, losing those {cut} bytes and every record in them");
                }

                RandomAccess.SetLength(handle, reader.Offset);
                FileSync.DataSync(handle);
                length = reader.Offset;
                if (reader.End == JournalEnd.TornTail)
                {
                    _logger.TornTailCut(_path, reader.Offset, reader.Problem, cut);
                }
                else
                {
                    _logger.Repaired(_path, reader.Offset, reader.Problem, cut);
                }
            }
        }

        var dead = DeadBytes(length);
        if (dead >= _options.StartupRewriteMinDeadBytes && dead * 2 >= length)
        {
            List<KeyValuePair<string, ListSnapshot>> lists = [.. _lists.Select(list => KeyValuePair.Create(list.Key, list.Value.Memory.Snapshot()))];
            _file = InstallRewrite(lists, out var rewritten, out var written);
            AccountRewrittenLocked(lists, written);
            _logger.Rewritten(_path, length, rewritten);
            length = rewritten;
        }
        else
        {
            _file = _options.OpenFile(_path);
        }

        _fileLength = length;
        _logger.Replayed(_path, records, _lists.Count, clock.ElapsedMilliseconds);
        _syncTimer?.Change(_options.SyncInterval, _options.SyncInterval);
    }

    private void LockDirectory()
    {
        var path = Path.Combine(_options.Directory, JournalFormat.LockFileName);
        try
        {
            // FileShare.None is an exclusive flock on Unix: advisory, and released by the kernel if the process dies.
            _directoryLock = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception) when (exception is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new StoreOpenException($"another process is serving the journal in {_options.Directory} (it holds {path}): one process per journal", exception);
        }
    }

    // Returns the journal's length after checking (or, for a new or torn-at-birth file, writing) its header.
    private long CheckFileHeader(SafeFileHandle handle)
    {
        var length = RandomAccess.GetLength(handle);
        Span<byte> expected = stackalloc byte[JournalFormat.FileHeaderBytes];
        JournalFormat.WriteFileHeader(expected);
        Span<byte> actual = stackalloc byte[JournalFormat.FileHeaderBytes];
        var read = RandomAccess.Read(handle, actual[..(int)Math.Min(length, actual.Length)], 0);
        actual = actual[..read];
        if (length >= JournalFormat.FileHeaderBytes && actual[..JournalFormat.Magic.Length].SequenceEqual(JournalFormat.Magic))
        {
            if (!actual.SequenceEqual(expected))
            {
                var version = BitConverter.ToUInt32(actual[JournalFormat.Magic.Length..]);
                throw new JournalCorruptException(_path, JournalFormat.Magic.Length, $"the journal {_path} is of format version {version}; this program reads version {JournalFormat.Version}");
            }

            return length;
        }

        if (length >= JournalFormat.FileHeaderBytes || !expected.StartsWith(actual))
        {
            throw new JournalCorruptException(_path, 0, $"{_path} is not a SharedList journal (it does not begin with \"SLJOURNL\"): move it away, or choose another --data directory");
        }

        // New, or created by a run that crashed before its header was whole.
        if (length > 0)
        {
            _logger.TornTailCut(_path, 0, "the file ends inside the file header", length);
        }

        RandomAccess.Write(handle, expected, 0);
        RandomAccess.SetLength(handle, JournalFormat.FileHeaderBytes);
        FileSync.DataSync(handle);
        FileSync.SyncDirectory(_options.Directory);
        return JournalFormat.FileHeaderBytes;
    }

    // Under _gate: replays the journal's first `length` bytes into the lists named in `rebuild` (every list when
    // null), which are dropped first, and counts their live bytes again.
    private JournalReader ReplayLocked(SafeFileHandle handle, long length, HashSet<string>? rebuild, out long records)
    {
        DropAllLocked(rebuild);
        var reader = new JournalReader(handle, length);
        var pushed = new List<ReadOnlyMemory<byte>>();
        long dropped = 0;
        records = 0;
        byte[]? lastKeyBytes = null;
        var key = string.Empty;
        var apply = false;
        while (reader.TryRead(out var record))
        {
            records++;
            if (record.Type == JournalFormat.ClearAllType)
            {
                DropAllLocked(rebuild);
                continue;
            }

            if (lastKeyBytes is null || !record.Key.SequenceEqual(lastKeyBytes))
            {
                lastKeyBytes = record.Key.ToArray();
                key = Encoding.UTF8.GetString(record.Key);
                apply = rebuild is null || rebuild.Contains(key);
            }

            if (!apply)
            {
                continue;
            }

            var state = FindOrNewLocked(key, out var isNew);
            AddIfNewLocked(key, state, isNew);
            var body = record.Body;
            switch (record.Type)
            {
                case JournalFormat.AppendType:
                    if (state.Memory.TryAppend(body.Span))
                    {
                        state.LiveBytes += record.Bytes.Length;
                    }
                    else
                    {
                        dropped++;
                    }

                    break;
                case JournalFormat.PushType:
                    JournalFormat.TryReadEndAndCount(record.Type, body.Span, out var pushEnd, out var count);
                    pushed.Clear();
                    JournalFormat.ReadPushItems(body, pushed);
                    if (state.Memory.TryPush(pushEnd, pushed, out _))
                    {
                        state.LiveBytes += record.Bytes.Length;
                    }
                    else
                    {
                        dropped += count;
                    }

                    break;
                case JournalFormat.PopType:
                    JournalFormat.TryReadEndAndCount(record.Type, body.Span, out var popEnd, out var popCount);
                    var popped = state.Memory.Pop(popEnd, popCount, out var before);
                    state.Release(popped.Count, before);
                    break;
                default:
                    state.Memory.Clear();
                    state.LiveBytes = 0;
                    break;
            }

            if (state.Memory.Count == 0)
            {
                _lists.Remove(key);
            }
        }

        _liveBytes = _lists.Values.Sum(list => list.LiveBytes);
        if (dropped > 0)
        {
            _logger.ItemsDropped(_path, dropped, _options.MaxItems);
        }

        return reader;
    }

    // Under _gate: drops the lists named in `keys`, or every list when null.
    private void DropAllLocked(HashSet<string>? keys)
    {
        if (keys is null)
        {
            _lists.Clear();
            return;
        }

        foreach (var key in keys)
        {
            _lists.Remove(key);
        }
    }
}
