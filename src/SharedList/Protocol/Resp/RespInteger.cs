using System.Buffers.Text;

namespace SharedList.Protocol.Resp;

/// <summary>Reads an integer argument as Redis's <c>string2ll</c> does: an optional <c>-</c>, digits, no leading zero, no sign <c>+</c>, no spaces, within a long.</summary>
public static class RespInteger
{
    /// <summary>Whether <paramref name="text"/> is such an integer.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        var digits = text is [(byte)'-', .. var rest] ? rest : text;
        if (digits.Length is 0 or > 19 || digits[0] is < (byte)'0' or > (byte)'9' || (digits[0] == (byte)'0' && text.Length > 1))
        {
            return false;
        }

        return Utf8Parser.TryParse(text, out value, out var used) && used == text.Length;
    }
}
