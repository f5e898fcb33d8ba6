using System.Buffers;
using SharedList.Protocol;

namespace SharedList.Tests.Protocol;

public class RepliesTests
{
    [Fact]
    public void Reply_texts_are_the_seeds()
    {
        Assert.Equal("Ack", Replies.Ack);
        Assert.Equal("Lista apagada", Replies.ListCleared);
        Assert.Equal("ERR invalid UTF-8", Replies.InvalidUtf8);
        Assert.Equal("ERR message too long", Replies.MessageTooLong);
        Assert.Equal("ERR too many connections", Replies.TooManyConnections);
    }

    [Fact]
    public void Access_control_replies_are_fixed_texts()
    {
        Assert.Equal("OK", Replies.Ok);
        Assert.Equal("ERR authentication required", Replies.AuthenticationRequired);
        Assert.Equal("ERR invalid password", Replies.InvalidPassword);
        Assert.Equal("ERR no password is set", Replies.NoPasswordSet);
    }

    [Fact]
    public void Line_framing_ends_a_reply_with_a_newline_and_raw_framing_adds_nothing()
    {
        Assert.Equal("ERR too many connections\n"u8.ToArray(), Replies.Encode(Replies.TooManyConnections, Framing.Line));
        Assert.Equal("ERR too many connections"u8.ToArray(), Replies.Encode(Replies.TooManyConnections, Framing.Raw));
    }

    [Fact]
    public void Write_appends_to_what_is_already_in_the_buffer()
    {
        var output = new ArrayBufferWriter<byte>();

        Replies.Write(output, Replies.Ack, Framing.Line);
        Replies.Write(output, Replies.ListCleared, Framing.Line);

        Assert.Equal("Ack\nLista apagada\n"u8.ToArray(), output.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(Framing.Line)]
    [InlineData(Framing.Raw)]
    public void The_ack_written_from_its_bytes_is_the_ack_written_from_its_text(Framing framing)
    {
        var fromBytes = new ArrayBufferWriter<byte>();
        Replies.WriteAck(fromBytes, framing);
        Replies.WriteAck(fromBytes, framing);

        Assert.Equal([.. Replies.Encode(Replies.Ack, framing), .. Replies.Encode(Replies.Ack, framing)], fromBytes.WrittenSpan.ToArray());
    }

    [Fact]
    public void Error_replies_never_look_like_an_ack()
    {
        string[] errors = [Replies.InvalidUtf8, Replies.MessageTooLong, Replies.TooManyConnections, Replies.AuthenticationRequired, Replies.InvalidPassword, Replies.NoPasswordSet];

        Assert.All(errors, e => Assert.StartsWith("ERR ", e, StringComparison.Ordinal));
    }
}
