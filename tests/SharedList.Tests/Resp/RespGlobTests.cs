using SharedList.Protocol.Resp;

namespace SharedList.Tests.Resp;

/// <summary>Redis's glob, as <c>stringmatchlen</c> matches.</summary>
public sealed class RespGlobTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("user:*", "user:1", true)]
    [InlineData("user:*", "users", false)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h*llo", "heeeello", true)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-b]llo", "hbllo", true)]
    [InlineData("h[b-a]llo", "hallo", true)]
    [InlineData("h[a-b]llo", "hcllo", false)]
    [InlineData("h\\*llo", "h*llo", true)]
    [InlineData("h\\*llo", "hello", false)]
    [InlineData("h[\\]]llo", "h]llo", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("CASE", "case", false)]
    public void Matches_as_Redis_does(string pattern, string text, bool expected) =>
        Assert.Equal(expected, RespGlob.IsMatch(pattern, text));
}
