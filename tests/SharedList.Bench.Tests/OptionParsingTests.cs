using SharedList.Bench.Load;
using SharedList.Bench.Measurement;
using SharedList.Bench.Session;
using SharedList.Bench.Targets;

namespace SharedList.Bench.Tests;

/// <summary>The parsers behind bench's options: --mix, the number lists, --spawn, and the /proc readers.</summary>
public sealed class OptionParsingTests
{
    [Theory]
    [InlineData("append=100", 100, 0)]
    [InlineData("append=90,list=10", 90, 10)]
    [InlineData(" list = 25 , append=75 ", 75, 25)]
    [InlineData("list=100", 0, 100)]
    [InlineData("APPEND=50,LIST=50", 50, 50)]
    public void A_good_mix_parses(string text, int append, int list)
    {
        var mix = RequestMix.TryParse(text, out var error);
        Assert.Null(error);
        Assert.Equal(new RequestMix(append, list), mix);
        Assert.Equal(mix, RequestMix.TryParse(mix!.ToString(), out _));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("append", "not kind=percent")]
    [InlineData("=5", "not kind=percent")]
    [InlineData("append=90", "add up to 90")]
    [InlineData("append=90,list=20", "add up to 110")]
    [InlineData("append=-10,list=110", "whole number")]
    [InlineData("append=x", "whole number")]
    [InlineData("append=50,append=50", "twice")]
    [InlineData("append=50,clear=50", "unknown")]
    public void A_bad_mix_says_what_is_wrong(string text, string expected)
    {
        Assert.Null(RequestMix.TryParse(text, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Number_lists_keep_order_drop_repeats_and_refuse_out_of_range_values()
    {
        Assert.Equal([1, 50, 500], NumberList.TryParse("1, 50,500,50", "--connections", 1, 60_000, out _));
        Assert.Contains("out of range", Error("0"), StringComparison.Ordinal);
        Assert.Contains("out of range", Error("1,-4"), StringComparison.Ordinal);
        Assert.Contains("not a whole number", Error("1,,2"), StringComparison.Ordinal);
        Assert.Contains("not a whole number", Error("many"), StringComparison.Ordinal);

        static string? Error(string text)
        {
            Assert.Null(NumberList.TryParse(text, "--connections", 1, 60_000, out var error));
            return error;
        }
    }

    [Fact]
    public void Spawn_takes_the_models_the_reference_servers_redis_and_garnet_once_each()
    {
        Assert.Equal(["async", "select", "redis"], SpawnKind.TryParseList("async, SELECT,redis", out _));
        Assert.Equal(["ceiling", "python-select", "python-threading", "threading"], SpawnKind.TryParseList("ceiling,Python-Select, python-threading,threading", out _));
        Assert.Null(SpawnKind.TryParseList("python", out var partial));
        Assert.Contains("ceiling, python-select, python-threading, redis, garnet", partial, StringComparison.Ordinal);
        Assert.Null(SpawnKind.TryParseList("ceiling,CEILING", out var ceilingTwice));
        Assert.Contains("twice", ceilingTwice, StringComparison.Ordinal);
        Assert.True(SpawnKind.IsReference("python-threading"));
        Assert.False(SpawnKind.IsReference("threading"));
        Assert.False(SpawnKind.IsModel("ceiling"));
        Assert.Null(SpawnKind.TryParseList("async,forking", out var unknown));
        Assert.Contains("unknown", unknown, StringComparison.Ordinal);
        Assert.Null(SpawnKind.TryParseList("async,async", out var twice));
        Assert.Contains("twice", twice, StringComparison.Ordinal);
        Assert.Null(SpawnKind.TryParseList("", out _));
        Assert.True(SpawnKind.IsModel("threading"));
        Assert.False(SpawnKind.IsModel("redis"));
    }

    [Fact]
    public void A_mixed_plan_holds_exactly_the_mix_and_every_batch_is_a_whole_number_of_requests()
    {
        var plan = RequestPlan.Create(LoadProtocol.Line, new RequestMix(90, 10), pipeline: 3, payloadBytes: 5, key: "k");
        var kinds = Enumerable.Range(0, plan.BatchCount).SelectMany(b => Enumerable.Range(0, plan.Pipeline).Select(i => plan.Kind(b, i))).ToList();
        Assert.Equal(300, kinds.Count);
        Assert.Equal(30, kinds.Count(k => k == RequestKind.List));
        for (var b = 0; b < plan.BatchCount; b++)
        {
            var text = System.Text.Encoding.ASCII.GetString(plan.Batch(b).Span);
            var expected = string.Concat(Enumerable.Range(0, 3).Select(i => plan.Kind(b, i) == RequestKind.List ? "LIST\n" : "abcde\n"));
            Assert.Equal(expected, text);
        }

        var appends = RequestPlan.Create(LoadProtocol.Resp, RequestMix.AppendsOnly, pipeline: 2, payloadBytes: 2, key: "k");
        Assert.Equal(1, appends.BatchCount);
        Assert.Equal("*3\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n$2\r\nab\r\n*3\r\n$5\r\nRPUSH\r\n$1\r\nk\r\n$2\r\nab\r\n", System.Text.Encoding.ASCII.GetString(appends.Batch(0).Span));
    }

    [Fact]
    public void Proc_stat_is_read_after_the_command_name_whatever_it_holds()
    {
        var stat = "1234 (we ird) (name)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 1 0 100 0 0";
        Assert.Equal(325, ProcessCpu.ParseStat(stat));
        Assert.NotNull(ProcessCpu.SelfSeconds());
        Assert.InRange(ProcessCpu.ClockTicksPerSecond, 1, 100_000);
        Assert.Equal(6, CpuAffinity.CountList("0-3,6,8"));
        Assert.InRange(CpuAffinity.AllowedCores(), 1, 4096);
    }
}
