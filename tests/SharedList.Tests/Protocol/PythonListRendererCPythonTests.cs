using System.Text;
using System.Text.Json;
using SharedList.Protocol;
using SharedList.Stores;
using SharedList.Tests.Support;

namespace SharedList.Tests.Protocol;

/// <summary>Compares the renderer, and the store's copy of what it rendered, with the real thing: CPython's <c>str(list)</c> on the same lists, byte for byte.</summary>
public class PythonListRendererCPythonTests
{
    // One JSON-encoded str(list) per line: json.dumps escapes to ASCII, so no item can break the line framing.
    private const string Script =
        "import json, sys\n" +
        "with open(sys.argv[1], encoding='utf-8') as f:\n" +
        "    for items in json.load(f):\n" +
        "        print(json.dumps(str(items)))\n";

    private static readonly string[] HandPicked =
    [
        "", "'", "\"", "'\"", "it's", "say \"hi\"", "\\", "\\'", "\t\n\r", "\0", "\u007f", "\u0085", "\u00a0", "\u00ad",
        "\u2028", "\u2029", "\u200b", "\u200d", "\ufeff", "\u3000", "\u1680", "ação", "日本語", "😀", "👍🏽", "🇵🇹",
        "\ue000", "\U000f0000", "\U0010ffff", "\U000e0001", "\ufffd", "\uffff", "e\u0301", " ", "  lead and trail  ",
        "[1, 2]", "LIST", "CLEAR",
    ];

    [Fact]
    public async Task Renders_byte_identical_to_cpython()
    {
        var random = new Random(20240521);
        var lists = new List<string[]> { Array.Empty<string>(), HandPicked };
        lists.AddRange(HandPicked.Select(s => new[] { s }));
        for (var i = 0; i < 3000; i++)
        {
            lists.Add(Enumerable.Range(0, random.Next(0, 5)).Select(_ => Unicode14Strings.Next(random)).ToArray());
        }

        var expected = await RenderWithCPythonAsync(lists);

        Assert.Equal(lists.Count, expected.Count);
        var mismatches = new List<string>();
        for (var i = 0; i < lists.Count; i++)
        {
            var ours = Encoding.UTF8.GetString(Render(lists[i]));
            if (ours != expected[i])
            {
                mismatches.Add($"list {i}: python {expected[i]} ours {ours} code points {CodePoints(lists[i])}");
            }

            var stored = RenderThroughStore(lists[i]);
            if (stored != expected[i])
            {
                mismatches.Add($"list {i} through the store: python {expected[i]} ours {stored} code points {CodePoints(lists[i])}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(10)));
    }

    private static byte[] Render(string[] items)
    {
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        PythonListRenderer.Render(items, writer);
        return writer.WrittenSpan.ToArray();
    }

    // The server's path: each item arrives as UTF-8, is kept in the store's compact form, and is copied out.
    private static string RenderThroughStore(string[] items)
    {
        var store = new MemoryListStore();
        foreach (var item in items)
        {
            store.TryAppend(Encoding.UTF8.GetBytes(item));
        }

        return store.Snapshot().ToString();
    }

    private static async Task<List<string>> RenderWithCPythonAsync(List<string[]> lists)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sharedlist-render-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(lists), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            var stdout = await PythonProcess.RunAsync(Script, [path], TimeSpan.FromSeconds(60));
            return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonSerializer.Deserialize<string>(line) ?? throw new InvalidDataException(line))
                .ToList();
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string CodePoints(string[] items)
    {
        return string.Join(" | ", items.Select(s => string.Join(' ', s.EnumerateRunes().Select(r => $"U+{r.Value:X4}"))));
    }
}
