using System.Buffers;
using System.Text;
using SharedList.Protocol;

namespace SharedList.Stores;

/// <summary>
/// A list as it was at one instant, kept as its <c>str(list)</c> rendering in a compact form (each item's
/// escaped text, with one byte in place of its quotes and separator): writing it is a copy with a small
/// fix-up per item, not a rendering.
/// </summary>
/// <remarks>
/// Taking one costs O(1) and copies nothing; it stays valid and unchanged whatever happens to the store after,
/// and may be read from any thread. The default value is the empty list.
/// </remarks>
public readonly struct ListSnapshot
{
    internal ListSnapshot(byte[][] chunks, long compactLength, int count, byte lastQuote)
    {
        Chunks = chunks;
        CompactLength = compactLength;
        Count = count;
        LastQuote = lastQuote;
    }

    /// <summary>The number of items.</summary>
    public int Count { get; }

    /// <summary>The length of <c>str(list)</c> in UTF-8 bytes, without any line terminator.</summary>
    public long Length => CompactListBody.RenderedLength(CompactLength, Count);

    // The compact body: CompactLength bytes from the start of Chunks, each chunk full but the last.
    internal byte[][]? Chunks { get; }

    internal long CompactLength { get; }

    internal byte LastQuote { get; }

    /// <summary>Writes <c>str(list)</c> as UTF-8, byte-identical to CPython's for the same items.</summary>
    /// <param name="output">Where the bytes go.</param>
    public void WriteTo(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var reader = new ListSnapshotReader(this);
        reader.WriteSome(output, long.MaxValue);
    }

    /// <summary>The items, as the strings they are, in order: for tests and tools.</summary>
    public string[] ToStrings() => throw new NotImplementedException();

    /// <summary>Returns <c>str(list)</c>, for logs and tests.</summary>
    public override string ToString()
    {
        var writer = new ArrayBufferWriter<byte>((int)Math.Min(Length, Array.MaxLength));
        WriteTo(writer);
        return Encoding.UTF8.GetString(writer.WrittenSpan);
    }
}
