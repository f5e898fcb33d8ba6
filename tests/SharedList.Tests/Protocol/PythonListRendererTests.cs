using System.Buffers;
using System.Text;
using SharedList.Protocol;

namespace SharedList.Tests.Protocol;

/// <summary>Hand-checked renderings; the bulk comparison against CPython is in <see cref="PythonListRendererCPythonTests"/>.</summary>
public class PythonListRendererTests
{
    [Theory]
    [InlineData(new string[0], "[]")]
    [InlineData(new[] { "a", "b" }, "['a', 'b']")]
    [InlineData(new[] { "" }, "['']")]
    [InlineData(new[] { "it's" }, "[\"it's\"]")]
    [InlineData(new[] { "say \"hi\"" }, "['say \"hi\"']")]
    [InlineData(new[] { "it's \"x\"" }, "['it\\'s \"x\"']")]
    [InlineData(new[] { "tab\t" }, "['tab\\t']")]
    [InlineData(new[] { "a\nb\rc" }, "['a\\nb\\rc']")]
    [InlineData(new[] { "back\\slash" }, "['back\\\\slash']")]
    [InlineData(new[] { "\0\u001f\u007f" }, "['\\x00\\x1f\\x7f']")]
    [InlineData(new[] { "\u0085\u00a0\u00ad" }, "['\\x85\\xa0\\xad']")]
    [InlineData(new[] { "\u2028\u2029\u200b\ufeff" }, "['\\u2028\\u2029\\u200b\\ufeff']")]
    [InlineData(new[] { "\ue000" }, "['\\ue000']")]
    [InlineData(new[] { "\U0010ffff\U000e0001" }, "['\\U0010ffff\\U000e0001']")]
    [InlineData(new[] { "ação 😀 日本" }, "['ação 😀 日本']")]
    public void Renders_like_python_str_of_list(string[] items, string expected)
    {
        Assert.Equal(expected, PythonListRenderer.RenderToString(items));
    }

    [Fact]
    public void A_lone_surrogate_is_escaped_as_cpython_does()
    {
        // Not theory data: test runners re-encode theory arguments as UTF-8, which replaces lone surrogates.
        string[] items = ["\ud800", "x\udc00", "\udbff"];

        Assert.Equal("['\\ud800', 'x\\udc00', '\\udbff']", PythonListRenderer.RenderToString(items));
    }

    [Fact]
    public void Writes_utf8_after_what_is_already_in_the_buffer()
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write("x"u8);

        PythonListRenderer.Render(new[] { "é" }, output);

        Assert.Equal(Encoding.UTF8.GetBytes("x['é']"), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Renders_a_long_item_bigger_than_one_buffer_chunk()
    {
        var item = new string('a', 100_000) + "'";

        var rendered = PythonListRenderer.RenderToString(new[] { item });

        Assert.Equal("[\"" + item + "\"]", rendered);
    }
}
