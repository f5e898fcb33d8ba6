using System.Text;

namespace SharedList.Stores.Journal;

/// <summary>
/// Rewrites a journal with only its live records (for each key, the appends after its last clear), crash-safely:
/// the new journal is written beside the old one, flushed, renamed over it, and the directory flushed. A crash at
/// any point leaves either the old journal or the new one, and at worst a stale temporary file.
/// </summary>
internal static class JournalRewriter
{
    private const int CopyBufferBytes = 1024 * 1024;

    /// <summary>Rewrites the sound journal in <paramref name="directory"/>, <paramref name="length"/> bytes long; returns the new length.</summary>
    public static long Rewrite(string directory, long length)
    {
        var path = Path.Combine(directory, JournalFormat.FileName);
        var temporary = Path.Combine(directory, JournalFormat.RewriteFileName);
        try
        {
            long written;
            using (var source = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                var liveFrom = FindLiveStarts(source, length);
                using var target = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferBytes);
                Span<byte> header = stackalloc byte[JournalFormat.FileHeaderBytes];
                JournalFormat.WriteFileHeader(header);
                target.Write(header);
                var reader = new JournalReader(source, length);
                var keys = new KeyCache<long>(liveFrom);
                while (reader.TryRead(out var record))
                {
                    if (record.IsAppend && record.Offset >= keys.Get(record.Key))
                    {
                        target.Write(record.Bytes);
                    }
                }

                ThrowUnlessSound(reader);
                target.Flush(flushToDisk: true);
                written = target.Length;
            }

            File.Move(temporary, path, overwrite: true);
            FileSync.SyncDirectory(directory);
            return written;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    // For each key, where its live records begin: just after its last clear (0 when it has none).
    private static Dictionary<string, long> FindLiveStarts(Microsoft.Win32.SafeHandles.SafeFileHandle source, long length)
    {
        var liveFrom = new Dictionary<string, long>(StringComparer.Ordinal);
        var reader = new JournalReader(source, length);
        while (reader.TryRead(out var record))
        {
            if (!record.IsAppend)
            {
                liveFrom[Encoding.UTF8.GetString(record.Key)] = record.Offset + record.Bytes.Length;
            }
        }

        ThrowUnlessSound(reader);
        return liveFrom;
    }

    private static void ThrowUnlessSound(JournalReader reader)
    {
        if (reader.End != JournalEnd.Complete)
        {
            throw new IOException($"The journal changed while being rewritten: {reader.Problem} at offset {reader.Offset}.");
        }
    }

    /// <summary>Looks keys up by their UTF-8 bytes, decoding a key only when it differs from the last one.</summary>
    private sealed class KeyCache<T>(Dictionary<string, T> values)
        where T : struct
    {
        private byte[]? _lastKey;
        private T _lastValue;

        public T Get(ReadOnlySpan<byte> key)
        {
            if (_lastKey is null || !key.SequenceEqual(_lastKey))
            {
                _lastKey = key.ToArray();
                _lastValue = values.GetValueOrDefault(Encoding.UTF8.GetString(key));
            }

            return _lastValue;
        }
    }
}
