import Foundation

/// Synthetic SMS Backup & Restore files, written for these tests. Every number is from a
/// fictional range and every message is invented.
enum SMSFixtures {
  /// A 1x1 PNG, base64, for the MMS image part.
  static let pngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

  /// Received and sent SMS, an MMS with SMIL, text and image parts, a group MMS, surrogate-pair
  /// emoji, a lone surrogate, `null` strings, `(Unknown)` contacts and an escaped newline.
  static let sms = """
    <?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
    <!--File Created By SMS Backup & Restore v10.20.001 on 20/11/2026 22:15:03-->
    <?xml-stylesheet type="text/xsl" href="sms.xsl"?>
    <smses count="7" backup_set="0f1e2d3c-test" backup_date="1795288503000" type="full">
      <sms protocol="0" address="+44 7700 900123" date="1795206600000" type="1" subject="null" body="You will regret this &#55357;&#56864;" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="1795206599000" sub_id="1" readable_date="20 Nov 2026 20:30:00" contact_name="(Unknown)" />
      <sms protocol="0" address="+447700900123" date="1795206900000" type="1" subject="null" body="I know where you work.&#10;Watch yourself &#55357;" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="20 Nov 2026 20:35:00" contact_name="(Unknown)" />
      <sms protocol="0" address="+44 7700 900456" date="1795207200000" type="1" subject="null" body="Are we still on for Saturday?" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="1795207199000" sub_id="1" readable_date="20 Nov 2026 20:40:00" contact_name="Sam (friend)" />
      <sms protocol="0" address="+44 7700 900456" date="1795207260000" type="2" subject="null" body="Yes, see you then" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="1" readable_date="20 Nov 2026 20:41:00" contact_name="Sam (friend)" />
      <mms date="1795207500000" rr="null" sub="null" ct_t="application/vnd.wap.multipart.related" read_status="null" seen="1" msg_box="1" address="+447700900123" sub_cs="null" resp_st="null" retr_st="null" d_tm="null" text_only="0" exp="null" locked="0" m_id="null" st="null" retr_txt_cs="null" retr_txt="null" creator="null" date_sent="0" read="1" m_size="2012" rpt_a="null" ct_cls="null" pri="null" sub_id="1" tr_id="null" resp_txt="null" ct_l="null" m_cls="personal" d_rpt="null" v="18" _id="4" m_type="132" readable_date="20 Nov 2026 20:45:00" contact_name="(Unknown)">
        <parts>
          <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" ctt_t="null" text="&lt;smil&gt;&lt;body&gt;&lt;par&gt;&lt;img src=&quot;car.png&quot;/&gt;&lt;/par&gt;&lt;/body&gt;&lt;/smil&gt;" />
          <part seq="0" ct="image/png" name="car.png" chset="null" cd="null" fn="null" cid="&lt;car&gt;" cl="car.png" ctt_s="null" ctt_t="null" text="null" data="\(pngBase64)" />
          <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" cid="&lt;text&gt;" cl="text_0.txt" ctt_s="null" ctt_t="null" text="Nice car. Shame if something happened to it." />
        </parts>
        <addrs>
          <addr address="+447700900123" type="137" charset="106" />
          <addr address="insert-address-token" type="151" charset="106" />
        </addrs>
      </mms>
      <mms date="1795207600000" msg_box="1" address="+447700900123~+447700900789" m_type="132" contact_name="null" readable_date="20 Nov 2026 20:46:40">
        <parts>
          <part seq="0" ct="text/plain" name="null" text="Everyone knows what you did &amp; they will hear more" />
          <part seq="1" ct="image/jpeg" name="gone.jpg" text="null" />
        </parts>
        <addrs>
          <addr address="+447700900789" type="137" charset="106" />
          <addr address="+447700900123" type="151" charset="106" />
        </addrs>
      </mms>
      <sms protocol="0" address="ACME-BANK" date="1795207700000" type="1" subject="null" body="null" readable_date="20 Nov 2026 20:48:20" contact_name="null" />
    </smses>
    """

  /// Incoming, missed, rejected and outgoing calls, and a voicemail.
  static let calls = """
    <?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
    <calls count="4" backup_set="test" backup_date="1795288503000" type="full">
      <call number="+447700900123" duration="0" date="1795207800000" type="3" presentation="1" subscription_id="1" post_dial_digits="" subscription_component_name="null" readable_date="20 Nov 2026 20:50:00" contact_name="(Unknown)" />
      <call number="+447700900123" duration="42" date="1795208100000" type="1" presentation="1" readable_date="20 Nov 2026 20:55:00" contact_name="(Unknown)" />
      <call number="+447700900123" duration="0" date="1795208160000" type="5" presentation="1" readable_date="20 Nov 2026 20:56:00" contact_name="(Unknown)" />
      <call number="+447700900456" duration="120" date="1795208400000" type="2" presentation="1" readable_date="20 Nov 2026 21:00:00" contact_name="Sam (friend)" />
    </calls>
    """
}
