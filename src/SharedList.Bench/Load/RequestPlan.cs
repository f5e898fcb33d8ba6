using System.Buffers;
using System.Text;
using SharedList.Bench.Resp;

namespace SharedList.Bench.Load;

/// <summary>
/// Every request the load engine will send, encoded once before the run: a ring of batches of
/// <see cref="Pipeline"/> requests each, laid end to end in one read-only buffer that every connection shares.
/// Sending a batch is one write of a slice of it; nothing is encoded or allocated per request.
/// </summary>
/// <remarks>
/// Appends only (or LIST only) need a single batch. A mix needs 100 batches: the 100 kinds the percentages
/// give, shuffled with a fixed seed, repeated <see cref="Pipeline"/> times, so every stretch of 100 batches
/// holds exactly the mix. Connections start at different batches so they do not send their LISTs in step.
/// </remarks>
public sealed class RequestPlan
{
    private const int MixedBatches = 100;

    private readonly byte[] _bytes;
    private readonly int[] _batchStarts;
    private readonly RequestKind[] _kinds;

    private RequestPlan(byte[] bytes, int[] batchStarts, RequestKind[] kinds, int pipeline)
    {
        _bytes = bytes;
        _batchStarts = batchStarts;
        _kinds = kinds;
        Pipeline = pipeline;
    }

    /// <summary>Requests per batch: the requests each connection has in flight.</summary>
    public int Pipeline { get; }

    /// <summary>Batches in the ring.</summary>
    public int BatchCount => _batchStarts.Length - 1;

    /// <summary>Builds the plan for a protocol, a mix, a pipeline depth and an item size.</summary>
    /// <param name="protocol">Line or RESP.</param>
    /// <param name="mix">The share of appends and LISTs.</param>
    /// <param name="pipeline">Requests per batch, at least 1.</param>
    /// <param name="payloadBytes">The size of each appended item; its bytes are letters, never a command.</param>
    /// <param name="key">The RESP list key.</param>
    public static RequestPlan Create(LoadProtocol protocol, RequestMix mix, int pipeline, int payloadBytes, string key)
    {
        ArgumentNullException.ThrowIfNull(mix);
        ArgumentOutOfRangeException.ThrowIfLessThan(pipeline, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(payloadBytes);
        var item = new byte[payloadBytes];
        for (var i = 0; i < item.Length; i++)
        {
            // Lowercase letters: never LIST, CLEAR or AUTH, never a line break.
            item[i] = (byte)('a' + (i % 26));
        }

        var append = Encode(protocol, RequestKind.Append, item, key);
        var list = Encode(protocol, RequestKind.List, item, key);
        var sequence = Sequence(mix);
        var batches = sequence.Length == 1 ? 1 : MixedBatches;
        var kinds = new RequestKind[batches * pipeline];
        for (var i = 0; i < kinds.Length; i++)
        {
            kinds[i] = sequence[i % sequence.Length];
        }

        var output = new ArrayBufferWriter<byte>();
        var starts = new int[batches + 1];
        for (var i = 0; i < kinds.Length; i++)
        {
            if (i % pipeline == 0)
            {
                starts[i / pipeline] = output.WrittenCount;
            }

            output.Write(kinds[i] == RequestKind.Append ? append : list);
        }

        starts[batches] = output.WrittenCount;
        return new RequestPlan(output.WrittenSpan.ToArray(), starts, kinds, pipeline);
    }

    /// <summary>The bytes of batch <paramref name="batch"/>, ready to send in one write.</summary>
    public ReadOnlyMemory<byte> Batch(int batch) => _bytes.AsMemory(_batchStarts[batch], _batchStarts[batch + 1] - _batchStarts[batch]);

    /// <summary>The kind of the <paramref name="index"/>-th request of batch <paramref name="batch"/>.</summary>
    public RequestKind Kind(int batch, int index) => _kinds[(batch * Pipeline) + index];

    /// <summary>The batch after <paramref name="batch"/> in the ring.</summary>
    public int Next(int batch) => batch + 1 == BatchCount ? 0 : batch + 1;

    /// <summary>Encodes one request: the item or <c>LIST</c> as a line, or RESP <c>RPUSH</c> / <c>LRANGE</c>.</summary>
    public static byte[] Encode(LoadProtocol protocol, RequestKind kind, ReadOnlySpan<byte> item, string key)
    {
        if (protocol == LoadProtocol.Line)
        {
            return kind == RequestKind.Append ? [.. item, (byte)'\n'] : "LIST\n"u8.ToArray();
        }

        var output = new ArrayBufferWriter<byte>();
        var keyBytes = Encoding.UTF8.GetBytes(key);
        if (kind == RequestKind.Append)
        {
            RespWriter.WriteArrayHeader(output, 3);
            RespWriter.WriteBulk(output, "RPUSH"u8);
            RespWriter.WriteBulk(output, keyBytes);
            RespWriter.WriteBulk(output, item);
        }
        else
        {
            RespWriter.WriteArrayHeader(output, 4);
            RespWriter.WriteBulk(output, "LRANGE"u8);
            RespWriter.WriteBulk(output, keyBytes);
            RespWriter.WriteBulk(output, "0"u8);
            RespWriter.WriteBulk(output, "-1"u8);
        }

        return output.WrittenSpan.ToArray();
    }

    // The kinds of 100 requests in the mix's proportions, shuffled with a fixed seed (one kind alone: itself).
    private static RequestKind[] Sequence(RequestMix mix)
    {
        if (mix.ListPercent == 0)
        {
            return [RequestKind.Append];
        }

        if (mix.AppendPercent == 0)
        {
            return [RequestKind.List];
        }

        var kinds = Enumerable.Repeat(RequestKind.Append, mix.AppendPercent).Concat(Enumerable.Repeat(RequestKind.List, mix.ListPercent)).ToArray();

        // A fixed seed: every run, target and repeat sends the same sequence.
#pragma warning disable CA5394 // Not security: a reproducible shuffle.
        new Random(20_240_601).Shuffle(kinds);
#pragma warning restore CA5394
        return kinds;
    }
}
