using System.Buffers;
using SharedList.Bench.Load;
using SharedList.Bench.Resp;

namespace SharedList.Bench.Tests;

/// <summary>RESP2: encoder and parser round trips, frames split at every point, the allocation-free reply scanner.</summary>
public sealed class RespTests
{
    public static TheoryData<string> Values => new("+OK", "-ERR wrong", ":0", ":-42", ":9223372036854775807", "$hello", "$", "$null", "*null", "*[]", "*[:1,$a]", "*[*[$x,$y],:3,+PONG,-ERR x,$null,*[]]", "$bin");

    [Theory]
    [MemberData(nameof(Values))]
    public void A_value_encodes_and_parses_back_to_the_same_value_split_at_every_point(string name)
    {
        var value = Build(name);
        var bytes = Encode(value);

        Assert.True(RespReader.TryRead(bytes, out var parsed, out var consumed));
        Assert.Equal(bytes.Length, consumed);
        Assert.Equal(bytes, Encode(parsed!));
        for (var split = 0; split < bytes.Length; split++)
        {
            Assert.False(RespReader.TryRead(bytes.AsSpan(0, split), out _, out _), $"a prefix of {split} bytes parsed as a whole value");
        }
    }

    [Fact]
    public void A_command_is_an_array_of_bulk_strings()
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.WriteCommand(output, "RPUSH", "key", "ünï");
        Assert.Equal("*3\r\n$5\r\nRPUSH\r\n$3\r\nkey\r\n$5\r\nünï\r\n", System.Text.Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.True(RespReader.TryRead(output.WrittenSpan, out var parsed, out _));
        Assert.Equal(["RPUSH", "key", "ünï"], parsed!.Items!.Select(i => i.Text));
    }

    [Fact]
    public void The_scanner_frames_every_reply_the_same_way_whatever_the_split()
    {
        var replies = new[] { ":1", "*[$aa,$bbb]", "-ERR nope", "*[]", ":2", "*[*[$x],$y]", "$hello", "*null", "+OK", ":3" };
        var bytes = replies.SelectMany(r => Encode(Build(r))).ToArray();
        ReplyKind[] expected = [ReplyKind.Appended, ReplyKind.Listed, ReplyKind.Unexpected, ReplyKind.Listed, ReplyKind.Appended, ReplyKind.Listed, ReplyKind.Unexpected, ReplyKind.Listed, ReplyKind.Unexpected, ReplyKind.Appended];

        for (var split = 0; split <= bytes.Length; split++)
        {
            var scanner = new RespReplyScanner();
            var kinds = Scan(scanner, bytes.AsSpan(0, split)).Concat(Scan(scanner, bytes.AsSpan(split))).ToArray();
            Assert.Equal(expected, kinds);
        }

        var byteByByte = new RespReplyScanner();
        Assert.Equal(expected, Enumerable.Range(0, bytes.Length).SelectMany(i => Scan(byteByByte, bytes.AsSpan(i, 1))).ToArray());
    }

    [Fact]
    public void The_scanner_skips_a_long_lrange_reply_without_keeping_it()
    {
        var items = Enumerable.Range(0, 10_000).Select(i => RespValue.Bulk(new string('x', i % 50))).ToList();
        var bytes = Encode(RespValue.Array(items)).Concat(Encode(RespValue.Number(1))).ToArray();
        var scanner = new RespReplyScanner();
        var kinds = new List<ReplyKind>();
        for (var offset = 0; offset < bytes.Length; offset += 4096)
        {
            kinds.AddRange(Scan(scanner, bytes.AsSpan(offset, Math.Min(4096, bytes.Length - offset))));
        }

        Assert.Equal([ReplyKind.Listed, ReplyKind.Appended], kinds);
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData(":12a\r\n")]
    [InlineData("$x\r\n")]
    public void Bytes_that_are_not_resp_are_refused(string text)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(text);
        Assert.Throws<InvalidDataException>(() => RespReader.TryRead(bytes, out _, out _));
        Assert.Throws<InvalidDataException>(() => Scan(new RespReplyScanner(), bytes).ToList());
    }

    private static List<ReplyKind> Scan(ReplyScanner scanner, ReadOnlySpan<byte> data)
    {
        var kinds = new List<ReplyKind>();
        while (scanner.TryNext(ref data, out var kind))
        {
            kinds.Add(kind);
        }

        Assert.True(data.IsEmpty);
        return kinds;
    }

    private static byte[] Encode(RespValue value)
    {
        var output = new ArrayBufferWriter<byte>();
        RespWriter.Write(output, value);
        return output.WrittenSpan.ToArray();
    }

    // A tiny notation: +text, -text, :n, $text ($null, $bin), *null, *[a,b] (no commas inside elements but nesting).
    private static RespValue Build(string name) => name switch
    {
        "$null" => RespValue.Bulk((byte[]?)null),
        "$bin" => RespValue.Bulk([0, 13, 10, 255, (byte)'$', (byte)'*']),
        "*null" => RespValue.Array(null),
        _ when name[0] == '+' => RespValue.Simple(name[1..]),
        _ when name[0] == '-' => RespValue.Error(name[1..]),
        _ when name[0] == ':' => RespValue.Number(long.Parse(name[1..], System.Globalization.CultureInfo.InvariantCulture)),
        _ when name[0] == '$' => RespValue.Bulk(name[1..]),
        _ when name.StartsWith("*[", StringComparison.Ordinal) => RespValue.Array([.. SplitTop(name[2..^1]).Select(Build)]),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static IEnumerable<string> SplitTop(string list)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < list.Length; i++)
        {
            depth += list[i] == '[' ? 1 : list[i] == ']' ? -1 : 0;
            if (list[i] == ',' && depth == 0)
            {
                yield return list[start..i];
                start = i + 1;
            }
        }

        if (list.Length > 0)
        {
            yield return list[start..];
        }
    }
}
