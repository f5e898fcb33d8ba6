using SharedList.Bench.Load;

namespace SharedList.Bench.Resp;

/// <summary>
/// Frames RESP2 replies as bytes arrive, without buffering or allocating: an integer (<c>RPUSH</c>'s new
/// length) is an append, an array (<c>LRANGE</c>'s items, skipped element by element) a list, anything else
/// (an error, a simple string, a bulk string) unexpected. Nested arrays are followed up to
/// <see cref="MaxDepth"/> levels.
/// </summary>
public sealed class RespReplyScanner : ReplyScanner
{
    /// <summary>Arrays nested deeper than this are refused (LRANGE replies are flat).</summary>
    public const int MaxDepth = 16;

    private readonly long[] _remaining = new long[MaxDepth];
    private State _state = State.Type;
    private byte _type;
    private byte _top;
    private long _number;
    private bool _negative;
    private bool _digits;
    private long _skip;
    private int _depth;

    private enum State
    {
        Type,
        Number,
        Line,
        Bulk,
    }

    /// <inheritdoc/>
    public override bool TryNext(ref ReadOnlySpan<byte> data, out ReplyKind kind)
    {
        while (!data.IsEmpty)
        {
            switch (_state)
            {
                case State.Type:
                    _type = data[0];
                    data = data[1..];
                    if (_depth == 0)
                    {
                        _top = _type;
                    }

                    switch (_type)
                    {
                        case (byte)'+' or (byte)'-':
                            _state = State.Line;
                            break;
                        case (byte)':' or (byte)'$' or (byte)'*':
                            _state = State.Number;
                            _number = 0;
                            _negative = false;
                            _digits = false;
                            break;
                        default:
                            throw new InvalidDataException($"unknown RESP type byte 0x{_type:x2}");
                    }

                    break;

                case State.Line:
                    var newline = data.IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        data = default;
                        break;
                    }

                    data = data[(newline + 1)..];
                    if (ValueDone(out kind))
                    {
                        return true;
                    }

                    break;

                case State.Number:
                    if (ReadNumber(ref data) && Header(out kind))
                    {
                        return true;
                    }

                    break;

                case State.Bulk:
                    var skipped = (int)Math.Min(_skip, data.Length);
                    data = data[skipped..];
                    _skip -= skipped;
                    if (_skip == 0 && ValueDone(out kind))
                    {
                        return true;
                    }

                    break;
            }
        }

        kind = default;
        return false;
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        _state = State.Type;
        _depth = 0;
    }

    // Digits up to LF (the CR before it is skipped); true once the number is complete.
    private bool ReadNumber(ref ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var b = data[0];
            data = data[1..];
            switch (b)
            {
                case (byte)'\n':
                    if (!_digits)
                    {
                        throw new InvalidDataException("a RESP number has no digits");
                    }

                    if (_negative)
                    {
                        _number = -_number;
                    }

                    return true;
                case (byte)'\r':
                    break;
                case (byte)'-' when !_digits && !_negative:
                    _negative = true;
                    break;
                case >= (byte)'0' and <= (byte)'9':
                    _number = checked((_number * 10) + (b - '0'));
                    _digits = true;
                    break;
                default:
                    throw new InvalidDataException($"unexpected byte 0x{b:x2} in a RESP number");
            }
        }

        return false;
    }

    // A complete header line: an integer is a whole value; a bulk string needs its bytes; an array, its elements.
    private bool Header(out ReplyKind kind)
    {
        switch (_type)
        {
            case (byte)'$' when _number >= 0:
                _state = State.Bulk;
                _skip = _number + 2;
                kind = default;
                return false;
            case (byte)'*' when _number > 0:
                if (_depth == MaxDepth)
                {
                    throw new InvalidDataException($"RESP arrays nested deeper than {MaxDepth}");
                }

                _remaining[_depth++] = _number;
                _state = State.Type;
                kind = default;
                return false;
            default:
                // An integer, a null or empty bulk string or array: the value is complete.
                return ValueDone(out kind);
        }
    }

    // One value has ended; true when it completes a top-level reply.
    private bool ValueDone(out ReplyKind kind)
    {
        _state = State.Type;
        while (_depth > 0)
        {
            if (--_remaining[_depth - 1] > 0)
            {
                kind = default;
                return false;
            }

            _depth--;
        }

        kind = _top switch
        {
            (byte)':' => ReplyKind.Appended,
            (byte)'*' => ReplyKind.Listed,
            _ => ReplyKind.Unexpected,
        };
        return true;
    }
}
