// The XML subset scanner against libxml2 on inputs chosen to sit on the edge of the subset.
#include <gtest/gtest.h>

#include "support/xml_differential.h"

namespace renkei::fhir {
namespace {

const char* const kInputs[] = {
    R"(<Patient xmlns="http://hl7.org/fhir"/>)",
    R"(<?xml version="1.0" encoding="UTF-8"?><Patient xmlns="http://hl7.org/fhir"><id value="a"/></Patient>)",
    R"(<?xml version='1.0' encoding='utf-8' standalone='yes'?><Patient xmlns="http://hl7.org/fhir"/>)",
    R"(<?xml version="1.1"?><Patient xmlns="http://hl7.org/fhir"/>)",
    "\xEF\xBB\xBF<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"/></Patient>",
    "<Patient xmlns=\"http://hl7.org/fhir\"><name><text value=\"a\r\nb\tc&#10;d &amp; &lt;e&gt; &#x3042;\"/></name></Patient>",
    R"(<Patient xmlns="http://hl7.org/fhir" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://hl7.org/fhir x.xsd"/>)",
    R"(<Patient xsi:schemaLocation="a b" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://hl7.org/fhir"/>)",
    R"(<Patient xmlns="http://hl7.org/fhir" xml:lang="ja"><active value="true" foo="1"/></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><!-- a -- b --><active value="true"/></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><!-- fine --><active value="true"/><!----></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir">text<active value="true"/></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="true"></active ></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="true"></Active></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="true" value="false"/></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="a<b"/></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="a>b"/></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="&nbsp;"/></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="&#0;"/></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><![CDATA[x]]></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><?pi x?></Patient>)",
    R"(<!DOCTYPE Patient><Patient xmlns="http://hl7.org/fhir"/>)",
    R"(<f:Patient xmlns:f="http://hl7.org/fhir"><f:active value="true"/></f:Patient>)",
    R"(<Patient><active value="true"/></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="true"/></Patient><Patient/>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="true"/></Patient>trailing)",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="true"/></Patient>  <!-- c -->  )",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="true"/>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><p class="x">a &amp; b <b>c</b></p><br/></div></text></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><text><div xmlns="http://www.w3.org/1999/xhtml" xml:lang="en"><p>x]]>y</p></div></text></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir" xmlns:h="http://www.w3.org/1999/xhtml"><text><h:div><h:p>x</h:p></h:div></text></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><contained><Organization><id value="o"/></Organization></contained></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><extension url="http://x.org/e"><valueString value="v"/></extension></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><name id="n1"><given value="A"/></name></Patient>)",
    R"(<Patient xmlns="http://hl7.org/other"/>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><x xmlns="urn:other"/></Patient>)",
    "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"\xC3\x28\"/></Patient>",
    "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"\x01\"/></Patient>",
    R"(<Patient xmlns="http://hl7.org/fhir"   ><active   value  =  "true"  /></Patient   >)",
    R"(<Patient xmlns="http://hl7.org/fhir"><active value="true"/ ></Patient>)",
    R"(<Patient xmlns="http://hl7.org/fhir"><1active value="true"/></Patient>)",
    // Found by the differential fuzzer: a namespace name that is not a URI.
    R"(<Patient xmlns="http://hl7.org/fhir"><a xmlns="http://x 1"/></Patient>)",
    // Found by the differential fuzzer: characters XML forbids inside a comment.
    "<Patient xmlns=\"http://hl7.org/fhir\"><!-- a \x01 b --></Patient>",
    "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"x\xEF\xBF\xBEy\"/></Patient>",
    "<Patient xmlns=\"http://hl7.org/fhir\"><text><div xmlns=\"http://www.w3.org/1999/xhtml\">\xEF\xBF\xBF</div></text></Patient>",
};

TEST(XmlSubsetScanner, AgreesWithLibxml2OnEdgeCases) {
  for (const char* input : kInputs) {
    EXPECT_EQ(test::xmlReadersDisagree(input), "") << input;
  }
}

const char* const kNarratives[] = {
    R"(<div xmlns="http://www.w3.org/1999/xhtml"><p>a &amp; b</p></div>)",
    R"(<div xmlns="http://www.w3.org/1999/xhtml"><script>x()</script><a href="javascript:x">y</a></div>)",
    R"(<div xmlns="http://www.w3.org/1999/xhtml">  </div>)",
    R"(<div><p>no namespace</p></div>)",
    R"(<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x">a</p><img src="x.png"/></div>)",
    R"(<div xmlns="http://www.w3.org/1999/xhtml" xml:lang="ja"><p>連携 &#x3042; &nbsp;</p></div>)",
    R"(<div xmlns="http://www.w3.org/1999/xhtml"><!-- note --><p>x</p><!-- a -- b --></div>)",
    R"(<div xmlns="http://www.w3.org/1999/xhtml"><p>unclosed</div>)",
    R"(<div xmlns="http://www.w3.org/1999/xhtml"><a href="urn:uuid:1">link</a><a href="#x">here</a></div>)",
    "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>line1\nline2\ttab</p></div>",
};

TEST(XhtmlSubsetScanner, AgreesWithLibxml2) {
  for (const char* div : kNarratives) {
    EXPECT_EQ(test::xhtmlCheckersDisagree(div), "") << div;
  }
}

}  // namespace
}  // namespace renkei::fhir
