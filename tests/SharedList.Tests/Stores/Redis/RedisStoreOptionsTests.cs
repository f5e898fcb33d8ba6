using SharedList.Stores.Redis;

namespace SharedList.Tests.Stores.Redis;

public sealed class RedisStoreOptionsTests
{
    [Fact]
    public void Reads_host_port_and_database_with_the_defaults_for_what_is_left_out()
    {
        var full = RedisStoreOptions.Parse("redis://10.1.2.3:7000/4");
        Assert.Equal(("10.1.2.3", 7000, 4, false, (string?)null, (string?)null), (full.Host, full.Port, full.Database, full.Tls, full.User, full.Password));

        var bare = RedisStoreOptions.Parse("redis://cache.example");
        Assert.Equal(("cache.example", RedisStoreOptions.DefaultPort, 0), (bare.Host, bare.Port, bare.Database));
        Assert.Equal(0, RedisStoreOptions.Parse("redis://h:1/").Database);
    }

    [Fact]
    public void Reads_credentials_percent_decoded_and_never_shows_the_password()
    {
        var options = RedisStoreOptions.Parse("rediss://alice:p%40ss:word@h:6380/2");

        Assert.True(options.Tls);
        Assert.Equal("alice", options.User);
        Assert.Equal("p@ss:word", options.Password);
        Assert.Equal("rediss://alice:***@h:6380/2", options.ToString());
        Assert.Equal("h:6380", options.Address);

        var passwordOnly = RedisStoreOptions.Parse("redis://:secret@h:1");
        Assert.Null(passwordOnly.User);
        Assert.Equal("secret", passwordOnly.Password);
        Assert.DoesNotContain("secret", passwordOnly.ToString(), StringComparison.Ordinal);

        var userOnly = RedisStoreOptions.Parse("redis://bob@h:1");
        Assert.Equal("bob", userOnly.User);
        Assert.Null(userOnly.Password);
    }

    [Fact]
    public void An_IPv6_host_is_written_in_brackets()
    {
        var options = RedisStoreOptions.Parse("redis://[::1]:6379");

        Assert.Equal("::1", options.Host);
        Assert.Equal("[::1]:6379", options.Address);
    }

    [Theory]
    [InlineData("http://h:6379", "scheme must be redis:// or rediss://")]
    [InlineData("redis://h:6379/db", "the path is the database number")]
    [InlineData("redis://h:6379/-1", "the path is the database number")]
    [InlineData("redis://h:6379/0?timeout=1", "no ?query")]
    [InlineData("h:6379", "expected redis://")]
    [InlineData("not a uri", "is not a URI")]
    public void Anything_else_is_refused_with_what_is_wrong(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => RedisStoreOptions.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refusal_does_not_repeat_the_password()
    {
        var error = Assert.Throws<FormatException>(() => RedisStoreOptions.Parse("redis://u:hunter2@h:1/x"));

        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.Contains("u:***@h", error.Message, StringComparison.Ordinal);
    }
}
