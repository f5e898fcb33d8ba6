using System.Text;

namespace SharedList.Bench.Resp;

/// <summary>
/// One RESP2 value as <see cref="RespReader"/> parses it: what a test's fake server reads and the control
/// connection checks. The load engine never builds these (see <see cref="RespReplyScanner"/>).
/// </summary>
/// <param name="Type">Which of the five types.</param>
/// <param name="Bytes">The text of a simple string or error, the bytes of a bulk string; null for a null bulk string and for the other types.</param>
/// <param name="Value">The value of an integer; the element count of an array (-1 for a null array).</param>
/// <param name="Items">The elements of an array; null for a null array and for the other types.</param>
public sealed record RespValue(RespType Type, byte[]? Bytes, long Value, IReadOnlyList<RespValue>? Items)
{
    /// <summary>The text of a simple string, an error or a bulk string, as UTF-8; null for null values.</summary>
    public string? Text => Bytes is null ? null : Encoding.UTF8.GetString(Bytes);

    /// <summary>A simple string (<c>+OK</c>).</summary>
    public static RespValue Simple(string text) => new(RespType.SimpleString, Encoding.UTF8.GetBytes(text), 0, null);

    /// <summary>An error (<c>-ERR …</c>).</summary>
    public static RespValue Error(string text) => new(RespType.Error, Encoding.UTF8.GetBytes(text), 0, null);

    /// <summary>An integer (<c>:n</c>).</summary>
    public static RespValue Number(long value) => new(RespType.Number, null, value, null);

    /// <summary>A bulk string of these bytes, or the null bulk string for null.</summary>
    public static RespValue Bulk(byte[]? bytes) => new(RespType.BulkString, bytes, bytes?.Length ?? -1, null);

    /// <summary>A bulk string of this text in UTF-8.</summary>
    public static RespValue Bulk(string text) => Bulk(Encoding.UTF8.GetBytes(text));

    /// <summary>An array of these values, or the null array for null.</summary>
    public static RespValue Array(IReadOnlyList<RespValue>? items) => new(RespType.Array, null, items?.Count ?? -1, items);
}
