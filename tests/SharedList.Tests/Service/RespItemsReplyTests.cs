using System.Buffers;
using System.Text;
using FsCheck.Xunit;
using SharedList.Service;
using SharedList.Stores;
using SharedList.Tests.Protocol;

namespace SharedList.Tests.Service;

/// <summary>An LRANGE reply written a budget at a time, into whatever spans the output hands out, is the same array.</summary>
public class RespItemsReplyTests
{
    [Property(MaxTest = 200)]
    public bool A_range_is_written_whole_however_the_output_and_budget_cut_it(int seed)
    {
        var random = new Random(seed);
        var list = new InMemoryList(InMemoryList.DefaultMaxItems, random.Next(2) == 0 ? 64 : 4096);
        var model = new List<string>();
        for (var i = random.Next(0, 80); i > 0; i--)
        {
            var item = random.Next(6) switch
            {
                0 => new string('x', random.Next(200, 5000)),
                1 => $"it's \\ \"{i}\"",
                2 => string.Empty,
                _ => Unicode14Strings.Next(random),
            };
            var end = random.Next(2) == 0 ? ListEnd.Head : ListEnd.Tail;
            Assert.True(list.TryPush(end, [Encoding.UTF8.GetBytes(item)], out _));
            if (end == ListEnd.Head)
            {
                model.Insert(0, item);
            }
            else
            {
                model.Add(item);
            }
        }

        var start = random.Next(model.Count + 1);
        var stop = random.Next(start, model.Count + 1);
        var snapshot = list.Range(start, stop, out _);
        var expected = Array(model.Skip(start).Take(stop - start + 1));

        var output = new StingyBufferWriter(random);
        var counting = new CountingBufferWriter();
        var reply = new RespItemsReply();
        var budget = random.Next(1, 600);
        var done = reply.Write(counting.Reset(output), snapshot, budget);
        for (var calls = 0; !done && calls < 100_000; calls++)
        {
            done = reply.WriteSome(counting.Reset(output), budget);
        }

        return done && !reply.IsActive && expected == Encoding.UTF8.GetString(output.Written.ToArray());
    }

    private static string Array(IEnumerable<string> items)
    {
        var list = items.ToList();
        var text = new StringBuilder($"*{list.Count}\r\n");
        foreach (var item in list)
        {
            text.Append($"${Encoding.UTF8.GetByteCount(item)}\r\n{item}\r\n");
        }

        return text.ToString();
    }

    // Hands out spans of a random size of at least what is asked for, so items meet the end of a span anywhere.
    private sealed class StingyBufferWriter(Random random) : IBufferWriter<byte>
    {
        private byte[] _current = [];

        public List<byte> Written { get; } = [];

        public void Advance(int count)
        {
            Assert.InRange(count, 0, _current.Length);
            Written.AddRange(_current.AsSpan(0, count).ToArray());
            _current = [];
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, 1) + random.Next(0, 40)];

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
