using System.Buffers;
using System.Text;

namespace SharedList.Stores.Journal;

/// <summary>
/// Writes the journal of some lists as they are in memory, beside the journal and flushed: for each list, push
/// records of its items in order, in batches of about <see cref="BatchBytes"/>. The store then renames it over the
/// journal and flushes the directory, so a crash at any point leaves either the old journal or the new one, and at
/// worst a stale temporary file.
/// </summary>
internal static class JournalRewriter
{
    /// <summary>The body a rewrite's push record stops growing at: 1 MiB, so a record is a bounded buffer however long its list.</summary>
    public const int BatchBytes = 1024 * 1024;

    private const int FileBufferBytes = 1024 * 1024;

    /// <summary>
    /// Writes the journal of <paramref name="lists"/> to <c>sharedlist.journal.tmp</c> in <paramref name="directory"/>
    /// and flushes it; returns its length, and the bytes of each list's records in <paramref name="bytesPerList"/>.
    /// </summary>
    /// <exception cref="IOException">It could not be written; the temporary file is deleted.</exception>
    public static long WriteTemporary(string directory, IReadOnlyList<KeyValuePair<string, ListSnapshot>> lists, Span<long> bytesPerList)
    {
        var temporary = Path.Combine(directory, JournalFormat.RewriteFileName);
        try
        {
            using var target = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, FileBufferBytes);
            Span<byte> header = stackalloc byte[JournalFormat.FileHeaderBytes];
            JournalFormat.WriteFileHeader(header);
            target.Write(header);
            var batch = new PushBatch();
            var scratch = new ArrayBufferWriter<byte>();
            for (var i = 0; i < lists.Count; i++)
            {
                var key = Encoding.UTF8.GetBytes(lists[i].Key);
                long listBytes = 0;
                var cursor = lists[i].Value.GetItems();
                while (cursor.TryNext(scratch, out var item))
                {
                    if (batch.Count > 0 && batch.BodyBytes + JournalFormat.ItemLengthBytes + item.Length > BatchBytes)
                    {
                        listBytes += batch.WriteTo(target, key);
                    }

                    batch.Add(item);
                }

                if (batch.Count > 0)
                {
                    listBytes += batch.WriteTo(target, key);
                }

                bytesPerList[i] = listBytes;
            }

            target.Flush(flushToDisk: true);
            return target.Length;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>The items of one push record being gathered, copied out of the cursor's spans.</summary>
    private sealed class PushBatch
    {
        private readonly ArrayBufferWriter<byte> _items = new(BatchBytes);
        private readonly List<int> _lengths = [];
        private readonly List<ReadOnlyMemory<byte>> _slices = [];
        private readonly ArrayBufferWriter<byte> _record = new(BatchBytes + 1024);

        public int Count => _lengths.Count;

        /// <summary>The body of the record so far.</summary>
        public long BodyBytes { get; private set; } = JournalFormat.EndAndCountBytes;

        public void Add(ReadOnlySpan<byte> item)
        {
            _items.Write(item);
            _lengths.Add(item.Length);
            BodyBytes += JournalFormat.ItemLengthBytes + item.Length;
        }

        /// <summary>Writes the push record of the items gathered to <paramref name="target"/> and starts again; returns its bytes.</summary>
        public int WriteTo(Stream target, byte[] key)
        {
            // Sliced only now: the buffer may have moved while it grew.
            var at = 0;
            foreach (var length in _lengths)
            {
                _slices.Add(_items.WrittenMemory.Slice(at, length));
                at += length;
            }

            var bytes = JournalFormat.WritePush(_record, key, ListEnd.Tail, _slices);
            target.Write(_record.WrittenSpan);
            _record.ResetWrittenCount();
            _items.ResetWrittenCount();
            _lengths.Clear();
            _slices.Clear();
            BodyBytes = JournalFormat.EndAndCountBytes;
            return bytes;
        }
    }
}
