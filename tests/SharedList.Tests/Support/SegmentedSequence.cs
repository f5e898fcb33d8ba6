using System.Buffers;

namespace SharedList.Tests.Support;

/// <summary>Builds multi-segment sequences, the shape a pipe hands over when bytes arrived in several reads.</summary>
internal static class SegmentedSequence
{
    public static ReadOnlySequence<byte> Create(IReadOnlyList<ReadOnlyMemory<byte>> segments)
    {
        if (segments.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(segments[0], 0);
        var last = first;
        for (var i = 1; i < segments.Count; i++)
        {
            last = last.Append(segments[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Cuts <paramref name="data"/> at the given offsets (ascending, may repeat: empty segments).</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] cuts)
    {
        return Create(Chunks(data, cuts).Select(c => (ReadOnlyMemory<byte>)c).ToList());
    }

    /// <summary>The pieces of <paramref name="data"/> between the given offsets (ascending, may repeat).</summary>
    public static List<byte[]> Chunks(byte[] data, IEnumerable<int> cuts)
    {
        var chunks = new List<byte[]>();
        var start = 0;
        foreach (var cut in cuts)
        {
            chunks.Add(data[start..cut]);
            start = cut;
        }

        chunks.Add(data[start..]);
        return chunks;
    }

    /// <summary>Every segment of a sequence, in order (to keep unconsumed bytes as a server's pipe would).</summary>
    public static List<ReadOnlyMemory<byte>> Segments(ReadOnlySequence<byte> sequence)
    {
        var segments = new List<ReadOnlyMemory<byte>>();
        foreach (var memory in sequence)
        {
            segments.Add(memory);
        }

        return segments;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
