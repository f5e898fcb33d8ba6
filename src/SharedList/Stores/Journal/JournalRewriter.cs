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
            var records = new ArrayBufferWriter<byte>(BatchBytes + 1024);
            var batch = new List<ReadOnlyMemory<byte>>();
            for (var i = 0; i < lists.Count; i++)
            {
                var key = Encoding.UTF8.GetBytes(lists[i].Key);
                long listBytes = 0;
                long batchBytes = JournalFormat.EndAndCountBytes;
                foreach (var item in lists[i].Value.ToStrings())
                {
                    var utf8 = Encoding.UTF8.GetBytes(item);
                    if (batch.Count > 0 && batchBytes + JournalFormat.ItemLengthBytes + utf8.Length > BatchBytes)
                    {
                        listBytes += Flush(target, records, key, batch);
                        batchBytes = JournalFormat.EndAndCountBytes;
                    }

                    batch.Add(utf8);
                    batchBytes += JournalFormat.ItemLengthBytes + utf8.Length;
                }

                if (batch.Count > 0)
                {
                    listBytes += Flush(target, records, key, batch);
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

    private static int Flush(FileStream target, ArrayBufferWriter<byte> records, byte[] key, List<ReadOnlyMemory<byte>> batch)
    {
        var bytes = JournalFormat.WritePush(records, key, ListEnd.Tail, batch);
        target.Write(records.WrittenSpan);
        records.ResetWrittenCount();
        batch.Clear();
        return bytes;
    }
}
