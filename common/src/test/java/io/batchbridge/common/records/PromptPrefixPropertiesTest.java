package io.batchbridge.common.records;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;

/** Whatever the prompt, the fingerprint depends on the prefix up to the last breakpoint and nothing after it. */
class PromptPrefixPropertiesTest {

    @Property(tries = 300)
    void theSuffixNeverMattersThePrefixAlwaysDoes(
            @ForAll @AlphaChars @StringLength(min = 1, max = 200) String cached,
            @ForAll @AlphaChars @StringLength(max = 200) String question,
            @ForAll @AlphaChars @StringLength(max = 200) String otherQuestion)
            throws Exception {
        String system = PromptPrefixTest.systemBlock(cached, PromptPrefixTest.CC);
        PromptPrefix a =
                PromptPrefixTest.prefix(PromptPrefixTest.params("m", system, PromptPrefixTest.user(question + "x")));
        PromptPrefix b = PromptPrefixTest.prefix(
                PromptPrefixTest.params("m", system, PromptPrefixTest.user(otherQuestion + "y")));
        PromptPrefix c = PromptPrefixTest.prefix(PromptPrefixTest.params(
                "m", PromptPrefixTest.systemBlock(cached + "z", PromptPrefixTest.CC), PromptPrefixTest.user("q")));

        assertThat(a.present()).isTrue();
        assertThat(b.fingerprint()).isEqualTo(a.fingerprint());
        assertThat(c.fingerprint()).isNotEqualTo(a.fingerprint());
    }
}
