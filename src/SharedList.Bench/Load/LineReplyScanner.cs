namespace SharedList.Bench.Load;

/// <summary>
/// Replies of the line protocol: each ends with <c>\n</c>; <c>Ack</c> is an append, a line starting with
/// <c>[</c> a list, anything else unexpected (<c>ERR list full</c>, …). Scans with a vectorized IndexOf.
/// </summary>
public sealed class LineReplyScanner : ReplyScanner
{
    private static ReadOnlySpan<byte> AckLine => "Ack\n"u8;

    private long _length;
    private byte _first;
    private bool _ackSoFar;

    /// <inheritdoc/>
    public override bool TryNext(ref ReadOnlySpan<byte> data, out ReplyKind kind)
    {
        // The common case, a whole Ack at the start of a reply, in one compare.
        if (_length == 0 && data.StartsWith(AckLine))
        {
            data = data[AckLine.Length..];
            kind = ReplyKind.Appended;
            return true;
        }

        var newline = data.IndexOf((byte)'\n');
        var chunk = newline < 0 ? data : data[..newline];
        if (!chunk.IsEmpty)
        {
            if (_length == 0)
            {
                _first = chunk[0];
                _ackSoFar = true;
            }

            if (_ackSoFar)
            {
                // Still a prefix of "Ack" only if every byte so far matches and there are at most three.
                var offset = (int)_length;
                _ackSoFar = _length + chunk.Length <= 3 && chunk.SequenceEqual(AckLine.Slice(offset, chunk.Length));
            }

            _length += chunk.Length;
        }

        if (newline < 0)
        {
            data = default;
            kind = default;
            return false;
        }

        data = data[(newline + 1)..];
        kind = _length == 3 && _ackSoFar ? ReplyKind.Appended
            : _length > 0 && _first == (byte)'[' ? ReplyKind.Listed
            : ReplyKind.Unexpected;
        _length = 0;
        return true;
    }

    /// <inheritdoc/>
    public override void Reset() => _length = 0;
}
