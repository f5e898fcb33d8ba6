namespace SharedList.Tests.Support;

/// <summary>Reads back a <c>LIST</c> reply whose items are plain ASCII without quotes, as the load tests use.</summary>
internal static class ListReply
{
    public static IReadOnlyList<string> ParseSimple(string reply)
    {
        Assert.StartsWith("[", reply, StringComparison.Ordinal);
        Assert.EndsWith("]", reply, StringComparison.Ordinal);
        var body = reply[1..^1];
        if (body.Length == 0)
        {
            return [];
        }

        return [.. body.Split(", ").Select(item =>
        {
            Assert.True(item.Length >= 2 && item[0] == '\'' && item[^1] == '\'', $"unexpected item {item}");
            return item[1..^1];
        })];
    }
}
