namespace SharedList.Bench.Tests;

/// <summary>The test PNG decoder against images encoded here with every scanline filter, RGB and RGBA.</summary>
public sealed class PngImageTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_filter_round_trips_every_pixel(bool alpha)
    {
        const int Width = 37, Height = 23;
        var random = new Random(2083);
        var rgba = new byte[Width * Height * 4];
        random.NextBytes(rgba);
        for (var i = 3; i < rgba.Length && !alpha; i += 4)
        {
            rgba[i] = 255;
        }

        // Rows cycle through None, Sub, Up, Average and Paeth, so each filter follows each other one.
        var image = new PngImage(Width, Height, rgba);
        var decoded = PngImage.Decode(image.Encode(y => (byte)((y * 3) % 5), alpha));

        Assert.Equal((Width, Height), (decoded.Width, decoded.Height));
        for (var y = 0; y < Height; y++)
        {
            for (var x = 0; x < Width; x++)
            {
                Assert.Equal(image[x, y], decoded[x, y]);
            }
        }
    }

    [Fact]
    public void Not_a_png_is_refused() =>
        Assert.Throws<InvalidDataException>(() => PngImage.Decode("<html></html>"u8));
}
