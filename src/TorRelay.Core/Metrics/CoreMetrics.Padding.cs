namespace TorRelay.Core.Metrics;

/// <summary>
/// torrelay_channel_padding_negotiations_total{command}: PADDING_NEGOTIATE cells peers sent us, by command. PADDING
/// cells themselves are counted by torrelay_cells_total{command="padding"}.
/// </summary>
public sealed partial class CoreMetrics
{
    private readonly LabelledCounters _paddingNegotiations =
        new([[MetricLabels.Tag("command", "start")], [MetricLabels.Tag("command", "stop")]]);

    private void CreatePaddingInstruments()
    {
        _meter.CreateObservableCounter("torrelay_channel_padding_negotiations_total", _paddingNegotiations.Observe, "{cell}",
            "PADDING_NEGOTIATE cells received, by command");
    }

    /// <summary>A well-formed PADDING_NEGOTIATE arrived on a link protocol 5 channel: START or STOP.</summary>
    public void PaddingNegotiated(bool start) => _paddingNegotiations.Increment(start ? 0 : 1);
}
