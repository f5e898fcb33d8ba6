using System.Buffers;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using SocketServer.Sessions;

namespace SharedList.Stores.Journal;

/// <summary>
/// Lists that outlive the process: every append and clear is a record of one journal file
/// (<c>DIR/sharedlist.journal</c>, docs/DURABILITY.md), replayed at start-up, and the lists are kept in memory
/// as the memory store keeps them. A reply waits for the commit that writes its record (and, with
/// <see cref="FsyncPolicy.Always"/>, flushes it to the disk).
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
/// <para>Ownership: the store owns the journal; <see cref="Dispose"/> writes and flushes what is pending and closes it.</para>
/// </remarks>
public sealed class JournalListStore : GroupCommitter, IListStore
{
    private readonly Lock _gate = new();
    private readonly Lock _fileGate = new();
    private readonly Dictionary<string, JournalList> _lists = new(StringComparer.Ordinal);
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
    private long _deadBytes;
    private bool _closing;

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

    /// <summary>The list named <paramref name="key"/>, created empty on first use.</summary>
    /// <exception cref="ArgumentException">The key is longer than 65,535 UTF-8 bytes.</exception>
    public IStoredList GetList(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Encoding.UTF8.GetByteCount(key) > JournalFormat.MaxKeyBytes)
        {
            throw new ArgumentException($"A key is at most {JournalFormat.MaxKeyBytes} UTF-8 bytes.", nameof(key));
        }

        lock (_gate)
        {
            return ListLocked(key);
        }
    }

    /// <inheritdoc/>
    public StoreResult ListKeys() => throw new NotImplementedException();

    /// <inheritdoc/>
    public StoreResult ClearAll() => throw new NotImplementedException();

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

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            if (!list.Memory.TryAppend(utf8Item))
            {
                // Full counts items not yet written: it too waits for them.
                return PendingOnLastIssued(StoreResult.Full);
            }

            var bytes = JournalFormat.WriteAppend(_pending, list.KeyBytes, utf8Item);
            list.LiveBytes += bytes;
            _liveBytes += bytes;
            return Issue(list, StoreResult.Appended);
        }
    }

    internal StoreResult Clear(JournalList list)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            list.Memory.Clear();
            var bytes = JournalFormat.WriteClear(_pending, list.KeyBytes);
            _deadBytes += list.LiveBytes + bytes;
            _liveBytes -= list.LiveBytes;
            list.LiveBytes = 0;
            return Issue(list, StoreResult.Cleared(0));
        }
    }

    internal StoreResult Read(JournalList list)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closing, this);
            return PendingOnLastIssued(StoreResult.Read(list.Memory.Snapshot()));
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
        }

        var start = _fileLength;
        try
        {
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

        RewriteWhenMostlyDead();
        return through;
    }

    // Under _gate: the result of an operation that changed `list`, waiting for the ticket it takes now.
    private StoreResult Issue(JournalList list, StoreResult provisional)
    {
        list.ChangedInBatch = _batchNumber;
        _lastIssuedBatch = _batch;
        return StoreResult.Pending(provisional, ++_lastIssued, _batch);
    }

    // Under _gate: a result that depends on every operation so far, so waits for the last one's commit.
    private StoreResult PendingOnLastIssued(StoreResult provisional) =>
        IsCommitted(_lastIssued) ? provisional : StoreResult.Pending(provisional, _lastIssued, _lastIssuedBatch);

    private JournalList ListLocked(string key)
    {
        if (!_lists.TryGetValue(key, out var list))
        {
            list = new JournalList(this, key, _options.MaxItems);
            _lists.Add(key, list);
        }

        return list;
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
                ReplayLocked(handle, start, list => list.ChangedInBatch >= batchNumber, out _);
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

    private void RewriteWhenMostlyDead()
    {
        long live, dead;
        lock (_gate)
        {
            live = _liveBytes;
            dead = _deadBytes;
        }

        if (dead <= live || dead <= _options.RewriteMinDeadBytes || _writesFailing || _fileLength < _rewriteRetryLength)
        {
            return;
        }

        var before = _fileLength;
        try
        {
            if (_truncationOwed)
            {
                return;
            }

            var after = JournalRewriter.Rewrite(_options.Directory, before);
            var file = _options.OpenFile(_path);
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
                // Records dead in the file are gone; those pending stay counted, to be written to the new file.
                _deadBytes -= before - after;
            }

            _logger.Rewritten(_path, before, after);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Not retried at every commit: only once the journal has grown by the threshold again.
            _rewriteRetryLength = before + _options.RewriteMinDeadBytes;
            _logger.RewriteFailed(exception, _path);
        }
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
                reader = ReplayLocked(handle, length, static _ => true, out records);
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

        if (_deadBytes >= _options.StartupRewriteMinDeadBytes && _deadBytes * 2 >= length)
        {
            var rewritten = JournalRewriter.Rewrite(_options.Directory, length);
            _logger.Rewritten(_path, length, rewritten);
            _deadBytes -= length - rewritten;
            length = rewritten;
        }

        _file = _options.OpenFile(_path);
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

    // Under _gate: replays the journal's first `length` bytes into the lists `rebuild` chooses (emptied first), and
    // counts every list's live bytes and the dead ones again.
    private JournalReader ReplayLocked(SafeFileHandle handle, long length, Func<JournalList, bool> rebuild, out long records)
    {
        foreach (var known in _lists.Values)
        {
            known.LiveBytes = 0;
            if (rebuild(known))
            {
                known.Memory.Clear();
            }
        }

        var reader = new JournalReader(handle, length);
        long dead = 0;
        long dropped = 0;
        records = 0;
        JournalList? list = null;
        var apply = false;
        while (reader.TryRead(out var record))
        {
            if (list is null || !record.Key.SequenceEqual(list.KeyBytes))
            {
                list = ListLocked(Encoding.UTF8.GetString(record.Key));
                apply = rebuild(list);
            }

            records++;
            if (record.IsAppend)
            {
                list.LiveBytes += record.Bytes.Length;
                if (apply && !list.Memory.TryAppend(record.Item))
                {
                    dropped++;
                }
            }
            else
            {
                dead += list.LiveBytes + record.Bytes.Length;
                list.LiveBytes = 0;
                if (apply)
                {
                    list.Memory.Clear();
                }
            }
        }

        _deadBytes = dead;
        _liveBytes = _lists.Values.Sum(l => l.LiveBytes);
        if (dropped > 0)
        {
            _logger.ItemsDropped(_path, dropped, _options.MaxItems);
        }

        return reader;
    }
}
